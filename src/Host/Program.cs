using System.CommandLine;
using SmartElek.Host;
using SmartElek.Host.Storage;

var config = new Option<FileInfo>("--config", "-c")
{
    Description = "The host.json to run (its folder also holds the site topology).",
    DefaultValueFactory = _ => DefaultHostJson(),
    Recursive = true,
};
var root = new RootCommand("SmartElek Site: runs one node of a site of SmartElek #4500 chargers on simulated hardware.")
{
    config,
};
root.SetAction((parse, stop) => SiteHost.RunAsync(parse.GetValue(config)!, stop));

// Operator reports from the read tables of the configured database; they do not start the site.
var charger = new Option<string?>("--charger") { Description = "One charger's id; all of the site's when left out." };
var from = new Option<string?>("--from") { Description = "First day (of Site:TimeZone), yyyy-MM-dd; the beginning when left out." };
var to = new Option<string?>("--to") { Description = "Last day (of Site:TimeZone), yyyy-MM-dd, included; today when left out." };
var sessions = new Command("sessions", "Session history: plug-in, charging, energy, peak current and why it stopped (PowerLoss for one cut by a power loss); a running session with its energy so far.")
{
    charger, from, to,
};
sessions.SetAction((parse, stop) => OperatorReports.SessionsAsync(parse.GetValue(config)!,
    new OperatorReports.Filter(parse.GetValue(charger), parse.GetValue(from), parse.GetValue(to)), Console.Out, Console.Error, stop));
var energy = new Command("energy", "Energy per charger per day of Site:TimeZone (today so far), per day for the site, and the total with its cost at Storage:TariffPerKwh.")
{
    charger, from, to,
};
energy.SetAction((parse, stop) => OperatorReports.EnergyAsync(parse.GetValue(config)!,
    new OperatorReports.Filter(parse.GetValue(charger), parse.GetValue(from), parse.GetValue(to)), Console.Out, Console.Error, stop));
root.Subcommands.Add(sessions);
root.Subcommands.Add(energy);
return await root.Parse(args).InvokeAsync();

// config/host.json of the working directory (a checkout), else the copy beside the binary.
static FileInfo DefaultHostJson()
{
    var local = new FileInfo(Path.Combine("config", "host.json"));
    return local.Exists ? local : new FileInfo(Path.Combine(AppContext.BaseDirectory, "config", "host.json"));
}
