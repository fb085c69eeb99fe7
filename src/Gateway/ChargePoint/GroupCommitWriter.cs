using System.Collections.Concurrent;
using System.Diagnostics;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>One charge point's changes, all or none, and what to do when they are written (null) or failed.</summary>
internal sealed record PendingWrite(Action<StoreStatement> Statements, Action<ChargePointStoreException?> Done);

/// <summary>
/// Group commit: one writer thread commits whatever the charge points submitted while the last
/// commit ran, so 1,000 charge points' MeterValues cost one fsync, not 1,000, and no charge
/// point's actor waits for the disk (it sends a message once it is told its row is written).
/// </summary>
internal sealed class GroupCommitWriter : IDisposable
{
    // Enough to take a whole round of 1,000 charge points' MeterValues in one commit.
    private const int MostChangesPerBatch = 1000;

    private readonly StoreConnection _connection;
    private readonly BlockingCollection<PendingWrite> _pending = new();
    private readonly Thread _writer;
    private long _changes;

    public GroupCommitWriter(StoreConnection connection)
    {
        _connection = connection;
        _writer = new Thread(WriteBatches) { IsBackground = true, Name = "ocpp-store-writer" };
        _writer.Start();
    }

    /// <summary>Charge point changes written so far (each one charge point's submission).</summary>
    public long Changes => Interlocked.Read(ref _changes);

    public void Submit(PendingWrite write)
    {
        try
        {
            _pending.Add(write);
        }
        catch (InvalidOperationException)
        {
            write.Done(new ChargePointStoreException($"The charge point store at {_connection.Location} is closed."));
        }
    }

    /// <summary>Writes what was submitted, then stops the thread.</summary>
    public void Dispose()
    {
        _pending.CompleteAdding();
        _writer.Join();
        _pending.Dispose();
    }

    private void WriteBatches()
    {
        var batch = new List<PendingWrite>();
        foreach (var first in _pending.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MostChangesPerBatch && _pending.TryTake(out var more)) batch.Add(more);
            var error = TryWrite(batch);
            if (error is not null && batch.Count > 1)
            {
                // One change the database refuses must not hold back the others: each alone (at once while it is down).
                foreach (var w in batch) Done(w, TryWrite([w]));
                continue;
            }
            foreach (var w in batch) Done(w, error);
        }
    }

    private ChargePointStoreException? TryWrite(IReadOnlyList<PendingWrite> writes)
    {
        try
        {
            _connection.InTransaction(run => { foreach (var w in writes) w.Statements(run); });
            Interlocked.Add(ref _changes, writes.Count);
            return null;
        }
        catch (ChargePointStoreException e)
        {
            return e;
        }
        catch (Exception e)
        {
            return new ChargePointStoreException($"The charge point store at {_connection.Location} could not write a change: {e.Message}", e);
        }
    }

    private static void Done(PendingWrite write, ChargePointStoreException? error)
    {
        try
        {
            write.Done(error);
        }
        catch (Exception e)
        {
            // The writer thread must outlive any one charge point's callback.
            Trace.TraceError($"A charge point store callback failed: {e}");
        }
    }
}
