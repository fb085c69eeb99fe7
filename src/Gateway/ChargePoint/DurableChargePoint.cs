namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// One charge point's rows in a <see cref="ChargePointStore"/>: its durable transaction message
/// queue (<c>.Queue</c>, mirrored in memory and written through) and its durable memory
/// (<c>.Memory</c>). When the database fails, no change is lost while the process lives: it is
/// held, in order, and written when the store answers again (<see cref="RetryWrites"/>, and before
/// any other write); <see cref="Peek"/> never offers a message whose row is not written yet, so a
/// CALL is durable before it is sent, and a delivered one leaves the memory at once (it is not sent
/// again) and its row when the delete gets through.
/// </summary>
public sealed partial class DurableChargePoint : ITransactionMessageQueue, IChargePointMemory
{
    private readonly ChargePointStore _store;
    private readonly string _id;
    // The writer thread completes what the charge point's actor submitted: these are shared with it.
    private readonly Lock _gate = new();
    private readonly List<Change> _held = [];
    private List<Change>? _submitted;
    private string? _storeError;
    private Action? _written;

    private sealed record Change(string What, Action<StoreStatement> Statements, Action? Stored = null);

    public int UnwrittenChanges
    {
        get { lock (_gate) return _held.Count + (_submitted?.Count ?? 0); }
    }

    public string? StoreError
    {
        get { lock (_gate) return _storeError; }
    }

    public void OnWritten(Action written)
    {
        lock (_gate) _written = written;
    }

    public void RetryWrites() => Submit();

    /// <summary>Waits until every change made so far is written or has failed; true when none is left unwritten.</summary>
    public bool WaitWritten(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Environment.TickCount64 < deadline)
        {
            lock (_gate)
            {
                if (_submitted is null && (_held.Count == 0 || _storeError is not null)) return _held.Count == 0;
            }
            Thread.Sleep(1);
        }
        return false;
    }

    // Every change goes behind those not yet written: the rows change in the order the charge point changed them.
    private void Write(string what, Action<StoreStatement> statements, Action? stored = null)
    {
        lock (_gate) _held.Add(new Change(what, statements, stored));
        Submit();
    }

    // One submission at a time per charge point, all it holds, written in one of the store's batches.
    private void Submit()
    {
        List<Change> changes;
        lock (_gate)
        {
            if (_submitted is not null || _held.Count == 0) return;
            changes = _submitted = [.. _held];
            _held.Clear();
        }
        _store.Submit(new PendingWrite(run => { foreach (var c in changes) c.Statements(run); }, error => Completed(changes, error)));
    }

    private void Completed(List<Change> changes, ChargePointStoreException? error)
    {
        Action? written;
        lock (_gate)
        {
            _submitted = null;
            if (error is null)
            {
                foreach (var c in changes) c.Stored?.Invoke();
                _storeError = null;
            }
            else
            {
                _held.InsertRange(0, changes);
                _storeError = $"{_id}: {changes[0].What} is not stored yet ({_held.Count} change(s) held): {error.Message}";
            }
            written = _written;
        }
        if (error is null) Submit(); // what was changed meanwhile
        written?.Invoke();
    }

    internal DurableChargePoint(ChargePointStore store, string id)
    {
        _store = store;
        _id = id;
        LoadQueue();
    }
}
