using Akka.Configuration;
using SmartElek.Actors.Site;

namespace SmartElek.Actors.Tests.Site;

static class SiteTestSupport
{
    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartElek.Site.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir.FullName, relative);
    }

    public static Config SiteHocon => SiteCluster.LoadHocon(RepoFile("config/akka.site.hocon"));
}
