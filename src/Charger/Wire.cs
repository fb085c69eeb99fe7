namespace SmartElek;

/// <summary>
/// Marks every message that leaves a process or goes into the journal: cluster messages and
/// persisted events. Akka binds this one interface to one serializer with stable manifests, so
/// nothing falls back to the default JSON serializer and old journals stay readable.
/// </summary>
public interface IWireMessage;

/// <summary>The stable manifest of a wire message, e.g. <c>session.started.v1</c>. Never reuse or change one.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class WireNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
