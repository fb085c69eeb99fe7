namespace SmartElek.TestSupport;

/// <summary>The checkout the tests run from: the folder holding SmartElek.Site.sln.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string Config(string name) => Path.Combine(Root, "config", name);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SmartElek.Site.sln")))
                return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
