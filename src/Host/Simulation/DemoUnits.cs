using System.Text.Json;

namespace SmartElek.Host.Simulation;

/// <summary>
/// The units the simulator powered up on this node for the commissioning demo (<c>POST /api/demo/units</c>),
/// kept in <c>Storage:DataFolder/demo-units.json</c>: a node restarted on the same data folder powers
/// them up again beside <c>Node:Chargers</c>, as a real site's boards would be, so a charger placed
/// for one is not left in the topology without a unit. Thread-safe.
/// </summary>
public sealed class DemoUnits(string file)
{
    public const string FileName = "demo-units.json";

    private readonly object _gate = new();

    /// <summary>The file in <paramref name="dataFolder"/>.</summary>
    public static DemoUnits In(string dataFolder) => new(Path.Combine(dataFolder, FileName));

    public string File => file;

    /// <summary>The ids in the file, in the order they were powered up; none when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON array of charger ids; the message names the file and what is wrong.</exception>
    public IReadOnlyList<ChargerId> Load()
    {
        lock (_gate) return Read();
    }

    /// <summary>Adds a unit just powered up (the data folder is created if it is missing).</summary>
    public void Add(ChargerId id)
    {
        lock (_gate)
        {
            var ids = Read();
            if (ids.Contains(id)) return;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var temp = file + ".tmp";
            System.IO.File.WriteAllText(temp, JsonSerializer.Serialize(ids.Append(id).Select(i => i.Value)));
            System.IO.File.Move(temp, file, overwrite: true);
        }
    }

    private List<ChargerId> Read()
    {
        if (!System.IO.File.Exists(file)) return [];
        string[]? values;
        try
        {
            values = JsonSerializer.Deserialize<string[]>(System.IO.File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path.GetFullPath(file)}: not a JSON array of charger ids ({e.Message}); fix it or delete it to power up no demo unit", e);
        }
        var ids = new List<ChargerId>();
        foreach (var (value, i) in (values ?? []).Select((v, i) => (v, i)))
        {
            try
            {
                ids.Add(new ChargerId(value ?? ""));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{Path.GetFullPath(file)}: $[{i}]: '{value}' is not a charger id ({e.Message.Split(" (Parameter")[0]})", e);
            }
        }
        return [.. ids.Distinct()];
    }
}
