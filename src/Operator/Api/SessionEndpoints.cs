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
            .WithSummary("Sessions plugged in on the days from..to (of Site:TimeZone; today when left out), newest first, with the driver they are attributed to. A driver sees the sessions of their chargers and their own.");
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
        var attribution = new SessionAttribution(await users.ListUsersAsync(http.RequestAborted));
        var access = ChargerAccess.Of(http);
        var me = http.User.UserId();
        var rows = sessions
            .Select(s => (Session: s, Driver: attribution.Of(s.AuthorisedBy)))
            .Where(r => access.MaySee(r.Session.Charger) || (me is not null && r.Driver?.Id == me))
            .Select(r => SessionDto.Of(r.Session, r.Driver))
            .ToList();
        return TypedResults.Ok(rows);
    }

    private static DateOnly Day(string? text, string field, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[field] = [$"'{text}' is not a day as yyyy-MM-dd"];
        return fallback;
    }
}

/// <summary>One session for the API: energy in kWh; running ones carry the energy so far and when it was read.</summary>
public sealed record SessionDto(
    string Charger, string SessionId, DateTimeOffset PluggedInAt, DateTimeOffset? PluggedOutAt,
    DateTimeOffset? ChargingStartedAt, DateTimeOffset? ChargingStoppedAt, string? AuthorisedBy,
    string? DriverId, string? DriverName, double EnergyKwh, double PeakAmps, string? StopReason, bool Running, DateTimeOffset? EnergyAsOf)
{
    public static SessionDto Of(SessionRecord s, OperatorUser? driver) =>
        new(s.Charger.Value, s.SessionId, s.PluggedInAt, s.PluggedOutAt, s.ChargingStartedAt, s.ChargingStoppedAt, s.AuthorisedBy,
            driver?.Id, driver?.Name, Math.Round(s.EnergyWh / 1000, 3), Math.Round(s.PeakAmps, 1), s.StopReason, s.Running, s.EnergyAsOf);
}
