using System.Collections.Concurrent;
using Akka.Actor;
using SmartElek.Gateway.Connection;

namespace SmartElek.Gateway.Tests.Interop;

/// <summary>
/// A real link that also keeps every frame it put on the wire, in order: the charge point's own
/// CALLs and its answers to the central system's CALLs in one sequence, as the central system
/// reads them off the socket (its own record orders only the CALLs it received).
/// </summary>
public sealed class RecordingLink(IOcppLink inner) : IOcppLink
{
    private readonly ConcurrentQueue<string> _sent = new();

    public IReadOnlyList<string> Sent => _sent.ToList();

    public void Start(IActorRef owner) => inner.Start(owner);

    public bool Send(string frame)
    {
        // Recorded only when it went out: a frame refused by a closed socket never reached the peer.
        if (!inner.Send(frame)) return false;
        _sent.Enqueue(frame);
        return true;
    }

    public Task StopAsync() => inner.StopAsync();
}
