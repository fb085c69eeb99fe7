using Microsoft.Extensions.Configuration;

namespace SmartElek.Host.Configuration;

/// <summary>One configuration mistake: the file, the key, and why it is wrong.</summary>
public sealed record ConfigError(string File, string Key, string Reason)
{
    public override string ToString() => $"{File}: {Key}: {Reason}";
}

/// <summary>Thrown at start when the configuration is unusable; the message lists every error.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception("Bad configuration:\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}

/// <summary>Loads host.json with SMARTELEK__Section__Key environment overrides and validates it.</summary>
public static class HostConfiguration
{
    public const string EnvironmentPrefix = "SMARTELEK__";

    public static HostOptions Load(string hostJsonPath, IDictionary<string, string?>? overrides = null)
    {
        var file = Path.GetFullPath(hostJsonPath);
        if (!File.Exists(file))
            throw new ConfigException([new ConfigError(file, "(file)", "not found")]);

        IConfigurationRoot root;
        try
        {
            var builder = new ConfigurationBuilder()
                .AddJsonFile(file, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix);
            if (overrides is not null) builder.AddInMemoryCollection(overrides);
            root = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ConfigException([new ConfigError(file, "(syntax)", (e.InnerException ?? e).Message)]);
        }

        var options = new HostOptions();
        try
        {
            // Unknown keys are errors: a typo must not silently fall back to a default.
            root.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException([new ConfigError(file, KeyOf(e), (e.InnerException ?? e).Message)]);
        }

        var errors = Validate(options, file).ToList();
        if (errors.Count > 0) throw new ConfigException(errors);
        return options;
    }

    // The binder's message names the key ("... at 'Simulation:Seed' ..." or "... 'Nonsense' ..."); keep it.
    private static string KeyOf(InvalidOperationException e)
    {
        var at = System.Text.RegularExpressions.Regex.Match(e.Message, "at '([^']+)'");
        if (at.Success) return at.Groups[1].Value;
        var any = System.Text.RegularExpressions.Regex.Match(e.Message, "'([^']+)'");
        return any.Success ? any.Groups[1].Value : "(binding)";
    }

    public static IEnumerable<ConfigError> Validate(HostOptions o, string file)
    {
        ConfigError Err(string key, string reason) => new(file, key, reason);

        if (o.Node.Port is < 0 or > 65535) yield return Err("Node:Port", $"{o.Node.Port} is not a TCP port (0 = any free port)");
        if (string.IsNullOrWhiteSpace(o.Node.Hostname)) yield return Err("Node:Hostname", "must not be empty");
        for (var i = 0; i < o.Node.Seeds.Count; i++)
            if (!Uri.TryCreate(o.Node.Seeds[i], UriKind.Absolute, out var seed) || seed.Scheme != "akka.tcp")
                yield return Err($"Node:Seeds:{i}", $"'{o.Node.Seeds[i]}' is not an akka.tcp://system@host:port address");
            else if (seed.UserInfo != SmartElek.Actors.Site.SiteNodeSettings.DefaultSystemName || seed.Port <= 0)
                yield return Err($"Node:Seeds:{i}", $"'{o.Node.Seeds[i]}' must name the site's system and a port: akka.tcp://{SmartElek.Actors.Site.SiteNodeSettings.DefaultSystemName}@host:port");
        if (string.IsNullOrWhiteSpace(o.Node.AkkaHocon)) yield return Err("Node:AkkaHocon", "must name the site cluster's HOCON file");
        if (o.Node.RejoinDelaySeconds is < 0.1 or > 600) yield return Err("Node:RejoinDelaySeconds", $"{o.Node.RejoinDelaySeconds} must lie in 0.1..600");
        if (string.IsNullOrWhiteSpace(o.Site.Topology)) yield return Err("Site:Topology", "must name the topology file");
        if (LeaseError(o.Site) is { } leaseError) yield return Err("Site:LeaseSeconds", leaseError);

        var s = o.Simulation;
        if (s.MeanArrivalSeconds <= 0) yield return Err("Simulation:MeanArrivalSeconds", "must be above 0");
        if (s.MeanStaySeconds <= 0) yield return Err("Simulation:MeanStaySeconds", "must be above 0");
        if (s.ArrivalSocMin is < 0 or > 100 || s.ArrivalSocMax is < 0 or > 100 || s.ArrivalSocMin > s.ArrivalSocMax)
            yield return Err("Simulation:ArrivalSocMin", $"the range {s.ArrivalSocMin}..{s.ArrivalSocMax} % must lie within 0..100 and not be reversed");
        if (s.BatteryKwhMin <= 0 || s.BatteryKwhMin > s.BatteryKwhMax)
            yield return Err("Simulation:BatteryKwhMin", $"the range {s.BatteryKwhMin}..{s.BatteryKwhMax} kWh must be positive and not reversed");

        foreach (var storageError in Storage.HostStorage.Errors(o.Storage, file)) yield return storageError;
        foreach (var zoneError in Storage.SiteTime.Errors(o.Site, file)) yield return zoneError;

        if (o.Ocpp.Enabled && (!Uri.TryCreate(o.Ocpp.CentralSystemUrl, UriKind.Absolute, out var cs) || cs.Scheme is not ("ws" or "wss")))
            yield return Err("Ocpp:CentralSystemUrl", $"'{o.Ocpp.CentralSystemUrl}' is not a ws:// or wss:// URL");
        foreach (var apiError in ApiErrors(o.Api, file)) yield return apiError;
        if (o.Console.RefreshMilliseconds is < 50 or > 60_000)
            yield return Err("Console:RefreshMilliseconds", $"{o.Console.RefreshMilliseconds} must lie in 50..60000");
        foreach (var logError in Console.SiteLogging.Errors(o.Console, file)) yield return logError;
    }

    /// <summary>The lease policy of <see cref="SiteOptions.LeaseSeconds"/> (valid once <see cref="Validate"/> passed).</summary>
    public static SmartElek.Site.Grants.LeasePolicy Lease(SiteOptions site) =>
        SmartElek.Site.Grants.LeasePolicy.Default with { LeaseDuration = TimeSpan.FromSeconds(site.LeaseSeconds) };

    private static string? LeaseError(SiteOptions site)
    {
        if (!(site.LeaseSeconds is > 0 and <= 3600)) return $"{site.LeaseSeconds} must lie in 0..3600 seconds";
        try
        {
            Lease(site).Validate();
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>Every problem with the Api section, each naming its key.</summary>
    public static IEnumerable<ConfigError> ApiErrors(ApiOptions api, string file)
    {
        if (!Uri.TryCreate(api.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return new(file, "Api:Url", $"'{api.Url}' is not an http:// or https:// URL");
        else if (url.AbsolutePath != "/" || url.Query.Length > 0)
            yield return new(file, "Api:Url", $"'{api.Url}' must be scheme, host and port only (no path)");
        if (api.LoginAttemptsPerMinute is < 1 or > 10_000)
            yield return new(file, "Api:LoginAttemptsPerMinute", $"{api.LoginAttemptsPerMinute} must lie in 1..10000");
        if (!(api.SetupLinkMinutes is >= 1 and <= 10_080))
            yield return new(file, "Api:SetupLinkMinutes", $"{api.SetupLinkMinutes} must lie in 1..10080 (a week)");
    }
}
