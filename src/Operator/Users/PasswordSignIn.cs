using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;

namespace SmartElek.Operator.Users;

/// <summary>What a sign-in attempt came to.</summary>
public abstract record SignInOutcome
{
    public sealed record SignedIn(OperatorUser User) : SignInOutcome;

    /// <summary>Unknown name or wrong password: the caller says only that.</summary>
    public sealed record Refused : SignInOutcome;

    /// <summary>Too many attempts from this address in the last minute.</summary>
    public sealed record Limited : SignInOutcome;
}

/// <summary>
/// The site's one password check, for POST /api/login and the dashboard's login form alike: name
/// and password against the stored PBKDF2 hash (rehashed when the hasher asks for it), within one
/// budget of attempts per client address a minute, so neither door is a way around the other's limit.
/// </summary>
public sealed class PasswordSignIn(UserStore store, IPasswordHasher<OperatorUser> hasher, OperatorApiSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _attempts = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public async Task<SignInOutcome> CheckAsync(string? name, string? password, IPAddress? client, CancellationToken cancel)
    {
        using (var lease = _attempts.AttemptAcquire(client?.ToString() ?? "unknown"))
            if (!lease.IsAcquired) return new SignInOutcome.Limited();
        var user = name is { Length: > 0 and <= 64 } ? await store.FindByNameAsync(name, cancel) : null;
        var verdict = user?.PasswordHash is { } hash && password is { Length: > 0 and <= 200 }
            ? hasher.VerifyHashedPassword(user, hash, password)
            : PasswordVerificationResult.Failed;
        if (user is null || verdict == PasswordVerificationResult.Failed) return new SignInOutcome.Refused();
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await store.UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, password!) }, cancel);
        return new SignInOutcome.SignedIn(user);
    }

    public void Dispose() => _attempts.Dispose();
}
