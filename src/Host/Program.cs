using System.CommandLine;
using SmartElek.Host;

var config = new Option<FileInfo>("--config", "-c")
{
    Description = "The host.json to run (its folder also holds the site topology).",
    DefaultValueFactory = _ => DefaultHostJson(),
};
var root = new RootCommand("SmartElek Site: runs one node of a site of SmartElek #4500 chargers on simulated hardware.")
{
    config,
};
root.SetAction((parse, stop) => SiteHost.RunAsync(parse.GetValue(config)!, stop));
return await root.Parse(args).InvokeAsync();

// config/host.json of the working directory (a checkout), else the copy beside the binary.
static FileInfo DefaultHostJson()
{
    var local = new FileInfo(Path.Combine("config", "host.json"));
    return local.Exists ? local : new FileInfo(Path.Combine(AppContext.BaseDirectory, "config", "host.json"));
}
