using System.Reflection;

namespace SmartElek.Host.Tests;

/// <summary>One name for each concept (docs/design.md, "Names"): no two public top-level types of the site share a name.</summary>
[Trait("Speed", "Fast")]
public sealed class TypeNamesTests
{
    [Fact]
    public void No_two_public_types_share_a_name()
    {
        var folder = Path.GetDirectoryName(typeof(TypeNamesTests).Assembly.Location)!;
        // Every project of src/ the Host is built from (the test projects excepted).
        var assemblies = Directory.GetFiles(folder, "*.dll")
            .Where(f => Path.GetFileName(f) is var n && (n == "smartelek-site.dll" || n.StartsWith("SmartElek.", StringComparison.Ordinal) && !n.Contains(".Tests")))
            .Select(Assembly.LoadFrom)
            .ToList();
        Assert.Superset(new HashSet<string> { "SmartElek.Charger", "SmartElek.Actors", "SmartElek.Gateway", "SmartElek.Operator", "smartelek-site" },
            assemblies.Select(a => a.GetName().Name!).ToHashSet());

        var twins = assemblies
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested)
            .GroupBy(t => t.Name.Split('`')[0])
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => t.FullName))}")
            .ToList();
        Assert.True(twins.Count == 0, "public types with one name:\n" + string.Join("\n", twins));
    }
}
