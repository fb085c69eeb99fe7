using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace SmartElek.Actors.Serialization;

/// <summary>
/// Every <see cref="IWireMessage"/> type known to the process, with its stable manifest
/// (<see cref="WireNameAttribute"/>) and its source-generated JSON metadata, gathered from the
/// assemblies that carry <see cref="WireJsonContextAttribute"/>. Types that cannot be written
/// (no wire name, no JSON metadata, a name used twice) are listed in <see cref="Problems"/> and
/// give a clear error when used; the round-trip test asserts that the list is empty.
/// </summary>
public sealed partial class WireCatalog
{
    private static readonly object Gate = new();
    private static volatile WireCatalog? current;
    private static int assembliesAtBuild;

    private readonly Dictionary<string, Type> typesByName;
    private readonly Dictionary<Type, string> namesByType;
    private readonly Dictionary<Type, string> problemsByType;
    private readonly ConcurrentDictionary<Type, JsonTypeInfo> typeInfos = new();

    /// <summary>The catalog of the assemblies loaded so far (and the SmartElek assemblies they reference).</summary>
    public static WireCatalog Current
    {
        get
        {
            // Read on every (de)serialization: no lock once built (1,000 recoveries at once queued on it).
            if (current is { } built) return built;
            lock (Gate) return current ??= Rebuild();
        }
    }

    /// <summary>Looks again for assemblies loaded since the catalog was built, e.g. a plug-in.</summary>
    public static WireCatalog Refresh()
    {
        lock (Gate) return current = Rebuild();
    }

    /// <summary>Like <see cref="Refresh"/>, but only when assemblies were loaded since: cheap on a stream of bad manifests.</summary>
    public static WireCatalog RefreshIfAssembliesLoaded()
    {
        lock (Gate)
            return current is not null && AppDomain.CurrentDomain.GetAssemblies().Length == assembliesAtBuild ? current : current = Rebuild();
    }

    private static WireCatalog Rebuild()
    {
        var catalog = Build(DiscoverAssemblies());
        // Counted after discovery, which itself loads the SmartElek assemblies it finds referenced.
        assembliesAtBuild = AppDomain.CurrentDomain.GetAssemblies().Length;
        return catalog;
    }

    /// <summary>The JSON options every wire message is written with: one format for all assemblies.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>The assemblies whose wire messages this catalog holds.</summary>
    public IReadOnlyList<Assembly> Assemblies { get; }

    /// <summary>Every concrete wire message type, with or without problems.</summary>
    public IReadOnlyCollection<Type> MessageTypes { get; }

    /// <summary>One line per type that cannot be written, naming the type and what it lacks.</summary>
    public IReadOnlyList<string> Problems { get; }

    private WireCatalog(
        IReadOnlyList<Assembly> assemblies,
        IReadOnlyCollection<Type> messageTypes,
        JsonSerializerOptions options,
        Dictionary<string, Type> typesByName,
        Dictionary<Type, string> namesByType,
        Dictionary<Type, string> problemsByType)
    {
        Assemblies = assemblies;
        MessageTypes = messageTypes;
        Options = options;
        this.typesByName = typesByName;
        this.namesByType = namesByType;
        this.problemsByType = problemsByType;
        Problems = problemsByType.Values.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Builds a catalog over the given assemblies (those without wire messages or contexts add nothing).</summary>
    public static WireCatalog Build(IEnumerable<Assembly> assemblies)
    {
        var list = assemblies.Distinct().OrderBy(a => a.GetName().Name, StringComparer.Ordinal).ToArray();
        var contexts = list
            .SelectMany(a => a.GetCustomAttributes<WireJsonContextAttribute>())
            .Select(a => CreateContext(a.ContextType))
            .ToArray();
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(contexts),
            RespectNullableAnnotations = true,
            Converters = { new ChargerIdJsonConverter(), new JsonStringEnumConverter() },
        };

        var messageTypes = list.SelectMany(LoadableTypes).Where(IsConcreteWireMessage).ToArray();
        var typesByName = new Dictionary<string, Type>(StringComparer.Ordinal);
        var namesByType = new Dictionary<Type, string>();
        var problems = new Dictionary<Type, string>();
        foreach (var type in messageTypes)
        {
            var name = type.GetCustomAttribute<WireNameAttribute>()?.Name;
            if (name is null)
                problems[type] = $"{type.FullName} is an IWireMessage without [WireName(\"area.thing.v1\")].";
            else if (!WireNamePattern().IsMatch(name))
                problems[type] = $"{type.FullName} has wire name '{name}', which is not of the form 'area.thing.v1' (lower case, dots, version last).";
            else if (typesByName.TryGetValue(name, out var other))
            {
                problems[type] = $"{type.FullName} and {other.FullName} share the wire name '{name}'.";
                problems[other] = problems[type];
            }
            else if (!HasMetadata(options, type))
                problems[type] = $"{type.FullName} ('{name}') has no JSON metadata: add [JsonSerializable(typeof({type.Name}))] to the JsonSerializerContext named by [assembly: WireJsonContext] in {type.Assembly.GetName().Name}.";
            else
                typesByName[name] = type;
        }
        foreach (var type in problems.Keys)
        {
            var name = type.GetCustomAttribute<WireNameAttribute>()?.Name;
            if (name is not null && typesByName.TryGetValue(name, out var t) && t == type) typesByName.Remove(name);
        }
        foreach (var (name, type) in typesByName) namesByType[type] = name;
        return new WireCatalog(list, messageTypes, options, typesByName, namesByType, problems);
    }

    /// <summary>The manifest written beside a message of this type.</summary>
    public string ManifestOf(Type type) =>
        namesByType.TryGetValue(type, out var name) ? name : throw Unwritable(type);

    /// <summary>The type a manifest read from the journal or the wire stands for.</summary>
    public Type TypeOf(string manifest) =>
        typesByName.TryGetValue(manifest, out var type)
            ? type
            : throw new WireFormatException(
                $"Unknown wire manifest '{manifest}': no loaded IWireMessage type has [WireName(\"{manifest}\")]. " +
                $"Known assemblies: {string.Join(", ", Assemblies.Select(a => a.GetName().Name))}.");

    public bool Knows(Type type) => namesByType.ContainsKey(type);

    public bool Knows(string manifest) => typesByName.ContainsKey(manifest);

    /// <summary>The JSON metadata of a writable message type.</summary>
    public JsonTypeInfo TypeInfoOf(Type type) =>
        namesByType.ContainsKey(type)
            ? typeInfos.GetOrAdd(type, t => Options.GetTypeInfo(t))
            : throw Unwritable(type);

    public byte[] Write(object message) =>
        JsonSerializer.SerializeToUtf8Bytes(message, TypeInfoOf(message.GetType()));

    public object Read(ReadOnlySpan<byte> json, string manifest)
    {
        var type = TypeOf(manifest);
        try
        {
            return JsonSerializer.Deserialize(json, TypeInfoOf(type))
                   ?? throw new WireFormatException($"Wire message '{manifest}' ({type.FullName}) was JSON null.");
        }
        catch (JsonException e)
        {
            throw new WireFormatException($"Wire message '{manifest}' cannot be read as {type.FullName}: {e.Message}", e);
        }
    }

    private Exception Unwritable(Type type) =>
        new WireFormatException(problemsByType.TryGetValue(type, out var problem)
            ? problem
            : typeof(IWireMessage).IsAssignableFrom(type)
                ? $"{type.FullName} is an IWireMessage in an assembly the wire catalog did not find ({type.Assembly.GetName().Name}): give that assembly an [assembly: WireJsonContext(...)]."
                : $"{type.FullName} is not an IWireMessage: only IWireMessage types go on the wire or into the journal.");

    private static bool HasMetadata(JsonSerializerOptions options, Type type)
    {
        try
        {
            return options.TypeInfoResolver!.GetTypeInfo(type, options) is not null;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    private static bool IsConcreteWireMessage(Type t) =>
        typeof(IWireMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false, ContainsGenericParameters: false };

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static IJsonTypeInfoResolver CreateContext(Type contextType)
    {
        // Source-generated contexts expose a static Default; one built by hand may only have a constructor.
        var instance = contextType.GetProperty("Default", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null)
                       ?? Activator.CreateInstance(contextType, nonPublic: true);
        return instance as IJsonTypeInfoResolver
               ?? throw new WireFormatException($"{contextType.FullName} named by [assembly: WireJsonContext] could not be created.");
    }

    /// <summary>The loaded assemblies and every SmartElek assembly they reference, transitively.</summary>
    private static IEnumerable<Assembly> DiscoverAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic));
        while (pending.Count > 0)
        {
            var assembly = pending.Dequeue();
            var name = assembly.GetName().Name ?? "";
            if (!found.TryAdd(assembly.FullName ?? name, assembly)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is null || !reference.Name.StartsWith("SmartElek", StringComparison.Ordinal)) continue;
                if (found.ContainsKey(reference.FullName)) continue;
                try
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
                catch (FileNotFoundException)
                {
                    // A reference that is not deployed cannot hold messages we will meet.
                }
            }
        }
        return found.Values.Where(a =>
            a.IsDefined(typeof(WireJsonContextAttribute)) ||
            (a.GetName().Name ?? "").StartsWith("SmartElek", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+\.v[0-9]+$")]
    private static partial Regex WireNamePattern();
}

/// <summary>A message cannot be written or read: unknown manifest, missing wire name or JSON metadata, bad JSON.</summary>
public sealed class WireFormatException : System.Runtime.Serialization.SerializationException
{
    public WireFormatException(string message) : base(message) { }

    public WireFormatException(string message, Exception inner) : base(message, inner) { }
}
