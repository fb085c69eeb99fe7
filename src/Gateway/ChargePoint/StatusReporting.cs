namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// When a connector status is told to the central system (docs/ocpp.md, "Order of messages"): a
/// change goes once; a status that a StartTransaction or StopTransaction still waiting in the queue
/// would explain is held until that message is sent, and then the status of that moment goes (so
/// until its StartTransaction is sent a connector stays Preparing to the central system); a
/// triggered one is the central system's own question and goes at once. Immutable.
/// </summary>
/// <param name="Last">the status last reported (or held)</param>
/// <param name="Awaits">the queue sequence of the last StartTransaction or StopTransaction not sent yet</param>
/// <param name="Held">a report waits for that message</param>
public sealed record StatusReporting(ConnectorStatus? Last = null, long? Awaits = null, bool Held = false)
{
    /// <summary>
    /// The charger's status now: whether it goes (true) and the reporting after it. Unforced, an
    /// unchanged status does not go; one that changed while a transaction message is awaited is held.
    /// </summary>
    public (StatusReporting Next, bool Send) Report(ConnectorStatus status, bool force = false, bool triggered = false)
    {
        if (!force && status == Last) return (this, false);
        if (Awaits is not null && !triggered) return (this with { Last = status, Held = true }, false);
        return (this with { Last = status, Held = false }, true);
    }

    /// <summary>A StartTransaction or StopTransaction was queued with <paramref name="sequence"/>: what it explains waits for it.</summary>
    public StatusReporting TransactionMessageQueued(long sequence) => this with { Awaits = sequence };

    /// <summary>
    /// The queued message with <paramref name="sequence"/> went out; once the awaited one has, a held
    /// report is due (true: report the status of this moment, forced).
    /// </summary>
    public (StatusReporting Next, bool ReportNow) TransactionMessageSent(long sequence) =>
        sequence >= Awaits ? (this with { Awaits = null }, Held) : (this, false);
}
