using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// The login form's check against the site's users: the same rule as POST /api/login (name and
/// password against the stored PBKDF2 hash, rehashed when the hasher asks), giving the same principal.
/// </summary>
public sealed class DashboardSignIn(UserStore store, IPasswordHasher<OperatorUser> hasher)
{
    /// <summary>The user's cookie principal, or null for an unknown name or a wrong password (the page says only that).</summary>
    public async Task<ClaimsPrincipal?> CheckAsync(string name, string password, CancellationToken cancel)
    {
        var user = name is { Length: > 0 and <= 64 } ? await store.FindByNameAsync(name, cancel) : null;
        var verdict = user?.PasswordHash is { } hash && password is { Length: > 0 and <= 200 }
            ? hasher.VerifyHashedPassword(user, hash, password)
            : PasswordVerificationResult.Failed;
        if (user is null || verdict == PasswordVerificationResult.Failed) return null;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await store.UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, password) }, cancel);
        return OperatorAuth.Principal(user, OperatorAuth.Cookie);
    }
}
