using SmartElek.Tariffs;

namespace SmartElek.Host.Configuration;

/// <summary>The site's tariffs (<c>Site:Tariffs</c>), read and validated at start: a bad file stops the start naming its key.</summary>
public static class SiteTariffs
{
    public const string DefaultFile = "tariffs.json";

    /// <summary>The tariffs, or null when none are configured (the key empty, or the default file absent).</summary>
    /// <exception cref="ConfigException">A named file is missing, or the file is not valid (its JSON key named).</exception>
    public static TariffBook? Load(string configFolder, SiteOptions site, string hostFile)
    {
        if (string.IsNullOrWhiteSpace(site.Tariffs)) return null;
        var path = Path.GetFullPath(Path.Combine(configFolder, site.Tariffs));
        if (!File.Exists(path))
        {
            if (site.Tariffs == DefaultFile) return null;
            throw new ConfigException([new ConfigError(hostFile, "Site:Tariffs", $"no tariffs file at {path}")]);
        }
        try
        {
            return TariffConfiguration.Parse(File.ReadAllText(path));
        }
        catch (TariffConfigException e)
        {
            throw new ConfigException([new ConfigError(path, e.Key, e.Problem)]);
        }
        catch (IOException e)
        {
            throw new ConfigException([new ConfigError(path, "(file)", e.Message)]);
        }
    }
}
