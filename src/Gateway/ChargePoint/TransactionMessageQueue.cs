using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>One queued transaction message: StartTransaction, StopTransaction or a transaction's MeterValues.</summary>
/// <param name="StartPlaceholder">for a StartTransaction: the local id its transaction's later messages carry until it is answered</param>
public sealed record QueuedTransactionMessage(long Sequence, IOcppRequest Request, int FailedAttempts, int? StartPlaceholder = null);

/// <summary>
/// The offline queue of transaction messages: delivered once, in order. In memory now; a durable
/// store (invariant 4) implements the same interface.
/// </summary>
public interface ITransactionMessageQueue
{
    int Count { get; }

    /// <summary>The oldest message, not yet delivered, once it is stored (a durable queue writes it after Enqueue returns).</summary>
    QueuedTransactionMessage? Peek();

    /// <summary>Appends a message (a durable queue offers it once its row is written); returns its sequence number.</summary>
    long Enqueue(IOcppRequest request, int? startPlaceholder = null);

    /// <summary>The head was answered (or given up): remove it.</summary>
    void RemoveHead();

    /// <summary>The head got a CALLERROR: count the attempt.</summary>
    QueuedTransactionMessage RecordFailedAttempt();

    /// <summary>StartTransaction was answered: rewrite the placeholder id in every queued message.</summary>
    void RemapTransactionId(int placeholder, int transactionId);

    IReadOnlyList<QueuedTransactionMessage> Snapshot();

    /// <summary>Changes (of the queue, and of the memory when it is the same store) held because the store failed; 0 in memory.</summary>
    int UnwrittenChanges { get; }

    /// <summary>Why changes are held (names the store and what failed); null when none are.</summary>
    string? StoreError { get; }

    /// <summary>Tries again to write what is held (nothing to do in memory).</summary>
    void RetryWrites();

    /// <summary>
    /// <paramref name="written"/> is called (on any thread) each time changes were written or failed:
    /// a message <see cref="Peek"/> did not offer yet may be offered now (a queue in memory never calls it).
    /// </summary>
    void OnWritten(Action written);
}

public sealed class InMemoryTransactionMessageQueue : ITransactionMessageQueue
{
    private readonly LinkedList<QueuedTransactionMessage> _items = new();
    private long _sequence;

    public int Count => _items.Count;

    public QueuedTransactionMessage? Peek() => _items.First?.Value;

    public long Enqueue(IOcppRequest request, int? startPlaceholder = null)
    {
        TransactionMessages.Check(request);
        _items.AddLast(new QueuedTransactionMessage(++_sequence, request, 0, startPlaceholder));
        return _sequence;
    }

    public void RemoveHead()
    {
        if (_items.Count > 0) _items.RemoveFirst();
    }

    public QueuedTransactionMessage RecordFailedAttempt()
    {
        var head = _items.First ?? throw new InvalidOperationException("The transaction message queue is empty.");
        head.Value = head.Value with { FailedAttempts = head.Value.FailedAttempts + 1 };
        return head.Value;
    }

    public void RemapTransactionId(int placeholder, int transactionId)
    {
        for (var node = _items.First; node is not null; node = node.Next)
            node.Value = TransactionMessages.Remap(node.Value, placeholder, transactionId);
    }

    public IReadOnlyList<QueuedTransactionMessage> Snapshot() => _items.ToList();

    public int UnwrittenChanges => 0;

    public string? StoreError => null;

    public void RetryWrites() { }

    public void OnWritten(Action written) { }
}

/// <summary>Rules every queue implementation shares. Pure.</summary>
public static class TransactionMessages
{
    public static void Check(IOcppRequest request)
    {
        if (request is not (StartTransactionRequest or StopTransactionRequest or MeterValuesRequest))
            throw new ArgumentException($"{request.GetType().Name} is not a transaction message.", nameof(request));
    }

    /// <summary>The message with <paramref name="placeholder"/> replaced by the central system's id; the same instance when it does not carry it.</summary>
    public static QueuedTransactionMessage Remap(QueuedTransactionMessage m, int placeholder, int transactionId) => m.Request switch
    {
        MeterValuesRequest v when v.TransactionId == placeholder => m with { Request = v with { TransactionId = transactionId } },
        StopTransactionRequest s when s.TransactionId == placeholder => m with { Request = s with { TransactionId = transactionId } },
        _ => m,
    };

    /// <summary>The lowest local (negative) id among queued messages, 0 when none: a restarted charge point continues below it.</summary>
    public static int LowestPlaceholder(IEnumerable<QueuedTransactionMessage> queued) => queued
        .Select(m => Math.Min(m.StartPlaceholder ?? 0, m.Request switch
        {
            MeterValuesRequest v => v.TransactionId ?? 0,
            StopTransactionRequest s => s.TransactionId,
            _ => 0,
        }))
        .DefaultIfEmpty(0).Min() is var low && low < 0 ? low : 0;
}
