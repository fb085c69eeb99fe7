using SmartElek.Host.Simulation;

namespace SmartElek.Host.Tests;

/// <summary>The demo's units kept in the data folder, so that a restarted node powers them up again.</summary>
public sealed class DemoUnitsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("smartelek-demo-units-").FullName, "data", "node3");

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_folder))!, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    [Fact]
    public void Units_added_are_read_back_in_order_once_each_and_the_data_folder_is_made_when_missing()
    {
        var kept = DemoUnits.In(_folder);
        Assert.Empty(kept.Load());
        Assert.False(Directory.Exists(_folder));
        kept.Add(new ChargerId("charger-7"));
        kept.Add(new ChargerId("charger-8"));
        kept.Add(new ChargerId("charger-7"));
        Assert.Equal([new ChargerId("charger-7"), new ChargerId("charger-8")], DemoUnits.In(_folder).Load());
        Assert.False(File.Exists(Path.Combine(_folder, DemoUnits.FileName + ".tmp")));
    }

    [Theory]
    [InlineData("{\"units\": []}", "not a JSON array of charger ids")]
    [InlineData("[\"charger-7\",", "not a JSON array of charger ids")]
    [InlineData("[\"charger-7\", \"\"]", "$[1]: '' is not a charger id")]
    public void A_file_that_is_not_a_list_of_charger_ids_is_refused_naming_the_file_and_what_is_wrong(string text, string problem)
    {
        Directory.CreateDirectory(_folder);
        var file = Path.Combine(_folder, DemoUnits.FileName);
        File.WriteAllText(file, text);
        var e = Assert.Throws<InvalidDataException>(() => DemoUnits.In(_folder).Load());
        Assert.Contains(file, e.Message);
        Assert.Contains(problem, e.Message);
        // Nothing is lost: the file stays as it was, and adding to it is refused too.
        Assert.Throws<InvalidDataException>(() => DemoUnits.In(_folder).Add(new ChargerId("charger-9")));
        Assert.Equal(text, File.ReadAllText(file));
    }
}
