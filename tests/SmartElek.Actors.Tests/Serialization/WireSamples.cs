using System.Collections;
using System.Reflection;

namespace SmartElek.Actors.Tests.Serialization;

/// <summary>
/// Builds a random instance of any wire message type by reflection (through its widest public
/// constructor), so that the round-trip test covers types added later without being edited.
/// A member type it cannot build fails the test with a message saying which.
/// </summary>
public static class WireSamples
{
    // NullabilityInfoContext is not thread-safe and CsCheck samples on several threads: one per thread.
    [ThreadStatic] private static NullabilityInfoContext? _nullability;
    private static NullabilityInfoContext Nullability => _nullability ??= new();

    public static object Create(Type type, Random random) => Create(type, random, depth: 0, nullable: false)!;

    private static object? Create(Type type, Random random, int depth, bool nullable)
    {
        if (depth > 6) throw new InvalidOperationException($"Sample for {type} nests too deep.");
        if (nullable && random.Next(4) == 0) return null;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return random.Next(4) == 0 ? null : Create(underlying, random, depth + 1, false);

        if (type == typeof(string)) return RandomText(random);
        if (type == typeof(bool)) return random.Next(2) == 1;
        if (type == typeof(byte)) return (byte)random.Next(256);
        if (type == typeof(short)) return (short)random.Next(short.MinValue, short.MaxValue);
        if (type == typeof(int)) return random.Next(int.MinValue, int.MaxValue);
        if (type == typeof(long)) return random.NextInt64(long.MinValue, long.MaxValue);
        if (type == typeof(double)) return Math.Round(random.NextDouble() * 1e6, 6);
        if (type == typeof(float)) return (float)Math.Round(random.NextDouble() * 1e3, 3);
        if (type == typeof(decimal)) return Math.Round((decimal)random.NextDouble() * 100_000m, 4);
        if (type == typeof(Guid)) return new Guid(RandomBytes(random, 16));
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(RandomTicks(random), TimeSpan.FromMinutes(15 * random.Next(-48, 56)));
        if (type == typeof(DateTime)) return new DateTime(RandomTicks(random), DateTimeKind.Utc);
        if (type == typeof(DateOnly)) return DateOnly.FromDateTime(new DateTime(RandomTicks(random)));
        if (type == typeof(TimeOnly)) return new TimeOnly(random.NextInt64(TimeSpan.TicksPerDay));
        if (type == typeof(TimeSpan)) return TimeSpan.FromTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 30));
        if (type == typeof(ChargerId)) return new ChargerId("charger-" + random.Next(10_000));
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.Length == 0 ? Activator.CreateInstance(type) : values.GetValue(random.Next(values.Length));
        }
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, random.Next(4));
            for (var i = 0; i < array.Length; i++) array.SetValue(Create(element, random, depth + 1, false), i);
            return array;
        }
        if (type.IsGenericType && IsListLike(type.GetGenericTypeDefinition()))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            for (var i = random.Next(4); i > 0; i--) list.Add(Create(element, random, depth + 1, false));
            return list;
        }
        if (type.IsGenericType && IsDictionaryLike(type.GetGenericTypeDefinition()))
        {
            var (key, value) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            for (var i = random.Next(3); i > 0; i--)
                dictionary[Create(key, random, depth + 1, false)!] = Create(value, random, depth + 1, false);
            return dictionary;
        }
        if (type.IsAbstract || type.IsInterface || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"WireSamples cannot build a {type}: add it to tests/SmartElek.Actors.Tests/Serialization/WireSamples.cs.");

        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null || constructor.GetParameters().Length == 0)
            return Activator.CreateInstance(type);
        var arguments = constructor.GetParameters()
            .Select(p => Create(p.ParameterType, random, depth + 1,
                !p.ParameterType.IsValueType && Nullability.Create(p).WriteState == NullabilityState.Nullable))
            .ToArray();
        return constructor.Invoke(arguments);
    }

    private static bool IsListLike(Type definition) =>
        definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) ||
        definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>);

    private static bool IsDictionaryLike(Type definition) =>
        definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>);

    private static long RandomTicks(Random random) =>
        new DateTime(2000, 1, 1).Ticks + random.NextInt64(TimeSpan.TicksPerDay * 365 * 50);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABC0123456789 -_.\"\\é€";
        return new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }
}
