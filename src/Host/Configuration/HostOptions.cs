namespace SmartElek.Host.Configuration;

/// <summary>Everything the Host reads from <c>config/host.json</c> (and SMARTELEK__* environment overrides).</summary>
public sealed class HostOptions
{
    public NodeOptions Node { get; set; } = new();
    public SiteOptions Site { get; set; } = new();
    public SimulationOptions Simulation { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public OcppOptions Ocpp { get; set; } = new();
    public ConsoleOptions Console { get; set; } = new();
    public ApiOptions Api { get; set; } = new();
}

public sealed class NodeOptions
{
    /// <summary>Cluster host name; loopback unless the operator says otherwise.</summary>
    public string Hostname { get; set; } = "127.0.0.1";
    /// <summary>0 = any free port (a one-node site needs no fixed port).</summary>
    public int Port { get; set; }
    /// <summary>Seed nodes as akka.tcp://smartelek-site@host:port; empty = this node founds the site.</summary>
    public List<string> Seeds { get; set; } = [];
    /// <summary>Which of the topology's chargers this node runs; empty = all of them.</summary>
    public List<string> Chargers { get; set; } = [];
    /// <summary>The site cluster's HOCON (SBR, singleton), relative to the folder of host.json.</summary>
    public string AkkaHocon { get; set; } = "akka.site.hocon";
    /// <summary>How long a node the split brain resolver downed waits before it rejoins the site.</summary>
    public double RejoinDelaySeconds { get; set; } = 5;
}

public sealed class SiteOptions
{
    /// <summary>The topology file, relative to the folder of host.json.</summary>
    public string Topology { get; set; } = "site.json";
    /// <summary>The tariffs file (docs/tariffs.md), relative to the folder of host.json, validated at start; the default may be absent (no tariffs).</summary>
    public string Tariffs { get; set; } = SiteTariffs.DefaultFile;
    /// <summary>The site's time zone (IANA id, e.g. Europe/Berlin): the days of the energy report. Empty = the machine's local zone.</summary>
    public string TimeZone { get; set; } = "";
    /// <summary>
    /// How long an allocator's grant holds (docs/site.md, "Cluster settings"): it must outlast a
    /// fail-over of the allocator's node, and a lost charger's amps return this long (plus the
    /// vehicle's 5 s) after its last report. The same on every node of a site.
    /// </summary>
    public double LeaseSeconds { get; set; } = 60;
}

public sealed class SimulationOptions
{
    public int Seed { get; set; } = 4500;
    /// <summary>Mean time between two vehicles arriving at a free charger.</summary>
    public double MeanArrivalSeconds { get; set; } = 20;
    /// <summary>Mean time a vehicle stays plugged in (it may leave before it is full).</summary>
    public double MeanStaySeconds { get; set; } = 300;
    /// <summary>Battery state of charge on arrival is drawn from this range (percent).</summary>
    public double ArrivalSocMin { get; set; } = 80;
    public double ArrivalSocMax { get; set; } = 97;
    public double BatteryKwhMin { get; set; } = 40;
    public double BatteryKwhMax { get; set; } = 100;
}

public sealed class StorageOptions
{
    /// <summary>Sqlite (embedded default) or PostgreSql.</summary>
    public string Provider { get; set; } = "Sqlite";
    /// <summary>Folder for the SQLite file, relative to the working directory.</summary>
    public string DataFolder { get; set; } = "data";
    /// <summary>Name of the environment variable holding the PostgreSQL connection string (never a committed file).</summary>
    public string PostgreSqlConnectionVariable { get; set; } = "SMARTELEK_POSTGRESQL";
    /// <summary>How often the meter's energy register becomes durable; the worst case of unrecorded energy is one interval.</summary>
    public double DurableReadingSeconds { get; set; } = 10;
    /// <summary>Flat price per kWh for the energy report's cost column (currency as the operator reads it).</summary>
    public double TariffPerKwh { get; set; } = 0.30;
}

public sealed class OcppOptions
{
    public bool Enabled { get; set; }
    /// <summary>Central system base URL; the charge point id is appended.</summary>
    public string CentralSystemUrl { get; set; } = "ws://127.0.0.1:9000/ocpp/";
    /// <summary>Environment variable with the AuthorizationKey (security profile 1/2); empty = none.</summary>
    public string AuthorizationKeyVariable { get; set; } = "";
    /// <summary>
    /// Override: a SQLite file (relative to the working directory) for the charge points' queues,
    /// profiles, configuration and running transactions. Empty (the default): the Storage section
    /// decides (ocpp-gateway.db in Storage:DataFolder, or the PostgreSQL database).
    /// </summary>
    public string DataFile { get; set; } = "";
    /// <summary>The idTag of a start made at the charger itself (auto-start on plug-in, the app).</summary>
    public string LocalIdTag { get; set; } = "LOCAL";
    /// <summary>MeterValueSampleInterval until the central system changes it.</summary>
    public int MeterValueSampleSeconds { get; set; } = 60;
}

public sealed class ConsoleOptions
{
    /// <summary>Live status table; off for a service without a terminal.</summary>
    public bool LiveTable { get; set; } = true;
    public int RefreshMilliseconds { get; set; } = 500;
    /// <summary>
    /// The log when it is not the live table: "text" (one readable line per entry) or "json" (one JSON
    /// object per line, a charger event with its full record).
    /// </summary>
    public string LogFormat { get; set; } = "text";
    /// <summary>Information, or Debug to add each charger event's full record under its line; Warning or Error for less.</summary>
    public string LogLevel { get; set; } = "Information";
}

public sealed class ApiOptions
{
    /// <summary>Where the operator's API and dashboard listen (Kestrel); port 0 = any free port, printed at start.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";
    /// <summary>Login attempts allowed per client address and minute (the rest get 429).</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;
    /// <summary>How long the one-time setup link of a site without users stays valid.</summary>
    public double SetupLinkMinutes { get; set; } = 60;
}
