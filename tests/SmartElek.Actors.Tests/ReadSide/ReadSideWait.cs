namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>The read side is eventually consistent: tests read it until it shows what they wait for.</summary>
internal static class ReadSideWait
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        T value;
        do
        {
            value = await read();
            if (done(value)) return value;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"The read side never showed {what}; last {value}.");
    }
}
