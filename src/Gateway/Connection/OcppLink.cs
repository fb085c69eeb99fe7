using Akka.Actor;

namespace SmartElek.Gateway.Connection;

/// <summary>
/// The transport under a charge point: connects, reconnects, and carries text frames. It tells
/// its owner actor <see cref="OcppLinkProtocol"/> messages; the owner keeps OCPP's rules (one
/// outstanding CALL, timeouts). A WebSocket in production, a fake in actor tests.
/// </summary>
public interface IOcppLink
{
    /// <summary>Start connecting (and keep reconnecting) on behalf of <paramref name="owner"/>.</summary>
    void Start(IActorRef owner);

    /// <summary>Send one frame; false when not connected (the frame is not sent).</summary>
    bool Send(string frame);

    /// <summary>Close and stop reconnecting.</summary>
    Task StopAsync();
}

/// <summary>What a link tells its owner.</summary>
public static class OcppLinkProtocol
{
    /// <summary>A connection is open (after every reconnect too).</summary>
    public sealed record Connected(Uri Endpoint);

    /// <summary>The connection is gone; the link retries with back-off.</summary>
    public sealed record Disconnected(string Reason);

    /// <summary>One received text frame.</summary>
    public sealed record Received(string Frame);
}
