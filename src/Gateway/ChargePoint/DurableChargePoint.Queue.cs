using System.Data;
using SmartElek.Actors.Persistence;
using SmartElek.Gateway.Ocpp16;
using static SmartElek.Gateway.ChargePoint.ChargePointSchema;

namespace SmartElek.Gateway.ChargePoint;

// The durable transaction message queue: the rows of ocpp_transaction_queue, mirrored in memory.
public sealed partial class DurableChargePoint
{
    private readonly LinkedList<QueuedTransactionMessage> _items = new();
    private readonly HashSet<long> _notStored = [];
    private long _sequence;

    private void LoadQueue()
    {
        foreach (var m in _store.Query(
            "SELECT sequence, frame, failed_attempts, start_placeholder FROM ocpp_transaction_queue WHERE charge_point = @cp ORDER BY sequence",
            r => new QueuedTransactionMessage(r.GetInt64(0), Request(r.GetString(1), $"transaction message of {_id}"), r.GetInt32(2),
                r.IsDBNull(3) ? null : r.GetInt32(3)),
            ("@cp", _id)))
            _items.AddLast(m);
        _sequence = _items.Last?.Value.Sequence ?? 0;
    }

    public int Count => _items.Count;

    /// <summary>The oldest message once its row is written (null while it is held in memory only).</summary>
    public QueuedTransactionMessage? Peek()
    {
        if (_items.First is not { } head) return null;
        lock (_gate) return _notStored.Contains(head.Value.Sequence) ? null : head.Value;
    }

    public long Enqueue(IOcppRequest request, int? startPlaceholder = null)
    {
        TransactionMessages.Check(request);
        var m = new QueuedTransactionMessage(_sequence + 1, request, 0, startPlaceholder);
        _sequence = m.Sequence;
        _items.AddLast(m);
        lock (_gate) _notStored.Add(m.Sequence);
        // Written as it is now: a later remap or failed attempt is a change of its own that follows
        // it, so what is on disk is always the queue after some prefix of the changes.
        var frame = Frame(request);
        Write($"transaction message {m.Sequence} ({OcppActions.ForRequest(request).Name})", run =>
            run("INSERT INTO ocpp_transaction_queue VALUES (@cp, @seq, @frame, 0, @ph)",
                [("@cp", _id), ("@seq", m.Sequence), ("@frame", frame), ("@ph", SqlValue.Of(startPlaceholder, DbType.Int32))]),
            stored: () => _notStored.Remove(m.Sequence));
        return m.Sequence;
    }

    public void RemoveHead()
    {
        if (_items.First is not { } head) return;
        var sequence = head.Value.Sequence;
        _items.RemoveFirst();
        Write($"removal of delivered transaction message {sequence}", run =>
            run("DELETE FROM ocpp_transaction_queue WHERE charge_point = @cp AND sequence = @seq", [("@cp", _id), ("@seq", sequence)]));
    }

    public QueuedTransactionMessage RecordFailedAttempt()
    {
        var head = _items.First ?? throw new InvalidOperationException("The transaction message queue is empty.");
        var next = head.Value with { FailedAttempts = head.Value.FailedAttempts + 1 };
        head.Value = next;
        Write($"failed attempt {next.FailedAttempts} of transaction message {next.Sequence}", run =>
            run("UPDATE ocpp_transaction_queue SET failed_attempts = @n WHERE charge_point = @cp AND sequence = @seq",
                [("@n", next.FailedAttempts), ("@cp", _id), ("@seq", next.Sequence)]));
        return next;
    }

    public void RemapTransactionId(int placeholder, int transactionId)
    {
        var changed = new List<(LinkedListNode<QueuedTransactionMessage> Node, QueuedTransactionMessage Value)>();
        for (var node = _items.First; node is not null; node = node.Next)
        {
            var remapped = TransactionMessages.Remap(node.Value, placeholder, transactionId);
            if (!ReferenceEquals(remapped, node.Value)) changed.Add((node, remapped));
        }
        if (changed.Count == 0) return;
        foreach (var (node, m) in changed) node.Value = m;
        Write($"transaction id {transactionId} for {placeholder}", run =>
        {
            foreach (var (_, m) in changed)
                run("UPDATE ocpp_transaction_queue SET frame = @frame WHERE charge_point = @cp AND sequence = @seq",
                    [("@frame", Frame(m.Request)), ("@cp", _id), ("@seq", m.Sequence)]);
        });
    }

    public IReadOnlyList<QueuedTransactionMessage> Snapshot() => _items.ToList();
}
