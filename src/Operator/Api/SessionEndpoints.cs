using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SmartElek.Actors.ReadSide;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Api;

/// <summary>Charging sessions from the read tables, each attributed to its driver when one is known.</summary>
internal static class SessionEndpoints
{
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("sessions").RequireAuthorization(OperatorAuth.MayRead)
            .MapGet("/sessions", ListAsync)
            .WithName("ListSessions")
            .WithSummary("Sessions plugged in on the days from..to (of Site:TimeZone; today when left out), newest first, with the driver they are attributed to and their cost kept so far. A driver sees the sessions of their chargers and their own.");
        app.MapGroup("/api").WithTags("sessions").RequireAuthorization(OperatorAuth.MayRead)
            .MapGet("/sessions/{charger}/{sessionId}/cost", CostAsync)
            .WithName("SessionCost")
            .WithSummary("A session's cost: each quarter hour of its energy at the price kept for its tariff then, with the tariff's words.");
        return app;
    }

    private static async Task<Results<Ok<List<SessionDto>>, ValidationProblem>> ListAsync(
        HttpContext http, OperatorApiSettings settings, ReadStore reads, UserStore users, TimeProvider clock,
        string? from = null, string? to = null, string? charger = null)
    {
        var errors = new Dictionary<string, string[]>();
        var today = NodaTime.Instant.FromDateTimeOffset(clock.GetUtcNow()).InZone(reads.SiteZone).Date.ToDateOnly();
        var first = Day(from, "from", today, errors);
        var last = Day(to, "to", today, errors);
        if (errors.Count == 0 && last < first) errors["to"] = [$"{last:yyyy-MM-dd} is before from ({first:yyyy-MM-dd})"];
        else if (errors.Count == 0 && last.DayNumber - first.DayNumber >= MaxDays) errors["to"] = [$"at most {MaxDays} days from 'from'"];
        if (charger is not null && !ChargerAccess.TryFind(settings.Topology, charger, out _))
            errors["charger"] = [$"'{charger}' is not a charger of site '{settings.Topology.Name}'"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var sessions = await reads.SessionsAsync(new ReadPeriod(first, last), charger is null ? null : new ChargerId(charger), http.RequestAborted);
        var attribution = new SessionAttribution(await users.ListUsersAsync(http.RequestAborted), await users.AllAssignmentsAsync(http.RequestAborted));
        var access = ChargerAccess.Of(http);
        var me = http.User.UserId();
        var rows = sessions
            .Select(s => (Session: s, Driver: attribution.DriverOf(s.Charger.Value, s.AuthorisedBy)))
            .Where(r => access.MaySee(r.Session.Charger) || (me is not null && r.Driver?.Id == me))
            .Select(r => SessionDto.Of(r.Session, r.Driver))
            .ToList();
        return TypedResults.Ok(rows);
    }

    private static async Task<Results<Ok<SessionCostDto>, NotFound>> CostAsync(HttpContext http, ReadStore reads, UserStore users, string charger, string sessionId)
    {
        var session = await reads.SessionAsync(new ChargerId(charger), sessionId, http.RequestAborted);
        if (session is null) return TypedResults.NotFound();
        var driver = new SessionAttribution(await users.ListUsersAsync(http.RequestAborted), await users.AllAssignmentsAsync(http.RequestAborted))
            .DriverOf(session.Charger.Value, session.AuthorisedBy);
        var me = http.User.UserId();
        // As the list: someone who may not see it is told there is no such session.
        if (!ChargerAccess.Of(http).MaySee(session.Charger) && (me is null || driver?.Id != me)) return TypedResults.NotFound();
        var quarters = await reads.CostQuartersAsync(session.Charger, sessionId, http.RequestAborted);
        return TypedResults.Ok(SessionCostDto.Of(session, quarters));
    }

    private static DateOnly Day(string? text, string field, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[field] = [$"'{text}' is not a day as yyyy-MM-dd"];
        return fallback;
    }
}

/// <summary>
/// One session for the API: energy in kWh; running ones carry the energy so far and when it was read. Cost: the
/// cost kept with it (so far) in <c>Currency</c> under <c>Tariff</c> (its driver's group's); null when it has no tariff.
/// </summary>
public sealed record SessionDto(
    string Charger, string SessionId, DateTimeOffset PluggedInAt, DateTimeOffset? PluggedOutAt,
    DateTimeOffset? ChargingStartedAt, DateTimeOffset? ChargingStoppedAt, string? AuthorisedBy,
    string? DriverId, string? DriverName, double EnergyKwh, double PeakAmps, string? StopReason, bool Running, DateTimeOffset? EnergyAsOf,
    double? Cost, string? Currency, string? Tariff, string? DriverGroup)
{
    public static SessionDto Of(SessionRecord s, OperatorUser? driver) =>
        new(s.Charger.Value, s.SessionId, s.PluggedInAt, s.PluggedOutAt, s.ChargingStartedAt, s.ChargingStoppedAt, s.AuthorisedBy,
            driver?.Id, driver?.Name, Math.Round(s.EnergyWh / 1000, 3), Math.Round(s.PeakAmps, 1), s.StopReason, s.Running, s.EnergyAsOf,
            s.Cost is { } c ? Math.Round(c.Amount, 4) : null, s.Cost?.Currency, s.Cost?.Tariff, s.Cost?.DriverGroup);
}

/// <summary>A session's cost by quarter hour of UTC; <c>UnpricedKwh</c>: energy without a kept price (counted as nothing).</summary>
public sealed record SessionCostDto(string Charger, string SessionId, bool Running, double? Cost, string? Currency, string? Tariff, string? DriverGroup,
    double EnergyKwh, double UnpricedKwh, IReadOnlyList<CostQuarterDto> Quarters)
{
    public static SessionCostDto Of(SessionRecord s, IReadOnlyList<CostQuarter> quarters) =>
        new(s.Charger.Value, s.SessionId, s.Running, s.Cost is { } c ? Math.Round(c.Amount, 4) : null, s.Cost?.Currency, s.Cost?.Tariff, s.Cost?.DriverGroup,
            Math.Round(s.EnergyWh / 1000, 3), Math.Round((s.Cost?.UnpricedWh ?? 0) / 1000, 3),
            [.. quarters.Select(q => new CostQuarterDto(q.Start, Math.Round(q.EnergyWh / 1000, 4), q.PerKWh, q.Cost is { } v ? Math.Round(v, 4) : null, q.Words))]);
}

/// <summary>One quarter hour of a session: its energy, the price per kWh kept for it and the tariff's words for that price.</summary>
public sealed record CostQuarterDto(DateTimeOffset Start, double EnergyKwh, double? PricePerKwh, double? Cost, string? Words);
