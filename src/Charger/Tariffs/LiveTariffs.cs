namespace SmartElek.Tariffs;

/// <summary>
/// The site's tariffs as this node knows them now: the book read from <c>Site:Tariffs</c> at start,
/// replaced whenever a day-ahead fetch lands (<see cref="TariffBook.WithFeed"/>). One per node,
/// shared by whoever prices energy (the planner, session costs); null <see cref="Current"/>: the
/// site has no tariffs configured and nothing is priced.
/// </summary>
public sealed class LiveTariffs(TariffBook? book)
{
    TariffBook? current = book;

    public TariffBook? Current => Volatile.Read(ref current);

    /// <summary>Raised after <see cref="Replace"/> with the new book (a price update: plans are made again).</summary>
    public event Action<TariffBook>? Changed;

    public void Replace(TariffBook book)
    {
        ArgumentNullException.ThrowIfNull(book);
        Volatile.Write(ref current, book);
        Changed?.Invoke(book);
    }
}
