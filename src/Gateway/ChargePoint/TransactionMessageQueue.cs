using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>One queued transaction message: StartTransaction, StopTransaction or a transaction's MeterValues.</summary>
public sealed record QueuedTransactionMessage(long Sequence, IOcppRequest Request, int FailedAttempts);

/// <summary>
/// The offline queue of transaction messages: delivered once, in order. In memory now; a durable
/// store (invariant 4) implements the same interface.
/// </summary>
public interface ITransactionMessageQueue
{
    int Count { get; }

    /// <summary>The oldest message, not yet delivered.</summary>
    QueuedTransactionMessage? Peek();

    /// <summary>Appends a message; returns its sequence number.</summary>
    long Enqueue(IOcppRequest request);

    /// <summary>The head was answered (or given up): remove it.</summary>
    void RemoveHead();

    /// <summary>The head got a CALLERROR: count the attempt.</summary>
    QueuedTransactionMessage RecordFailedAttempt();

    /// <summary>StartTransaction was answered: rewrite the placeholder id in every queued message.</summary>
    void RemapTransactionId(int placeholder, int transactionId);

    IReadOnlyList<QueuedTransactionMessage> Snapshot();
}

public sealed class InMemoryTransactionMessageQueue : ITransactionMessageQueue
{
    private readonly LinkedList<QueuedTransactionMessage> _items = new();
    private long _sequence;

    public int Count => _items.Count;

    public QueuedTransactionMessage? Peek() => _items.First?.Value;

    public long Enqueue(IOcppRequest request)
    {
        if (request is not (StartTransactionRequest or StopTransactionRequest or MeterValuesRequest))
            throw new ArgumentException($"{request.GetType().Name} is not a transaction message.", nameof(request));
        _items.AddLast(new QueuedTransactionMessage(++_sequence, request, 0));
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
        {
            node.Value = node.Value.Request switch
            {
                MeterValuesRequest m when m.TransactionId == placeholder => node.Value with { Request = m with { TransactionId = transactionId } },
                StopTransactionRequest s when s.TransactionId == placeholder => node.Value with { Request = s with { TransactionId = transactionId } },
                _ => node.Value,
            };
        }
    }

    public IReadOnlyList<QueuedTransactionMessage> Snapshot() => _items.ToList();
}
