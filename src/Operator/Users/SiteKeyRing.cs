using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace SmartElek.Operator.Users;

/// <summary>
/// The keys that protect session cookies and anti-forgery tokens, kept in the site's database
/// (table op_key_ring) rather than the machine's profile: every node of a site reads the same keys,
/// so a browser signed in on one node is signed in on all, and a restart keeps the sessions.
/// The keys are stored unencrypted (ASP.NET warns once when it makes one): whoever can read the
/// site's database can forge sessions, so the database is as secret as the password hashes in it.
/// </summary>
internal sealed class SiteKeyRing(UserStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.KeyRingAsync().GetAwaiter().GetResult().Select(XElement.Parse)];

    public void StoreElement(XElement element, string friendlyName) =>
        store.AddKeyAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();

    public static void AddTo(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("smartelek-site");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<UserStore>((o, store) => o.XmlRepository = new SiteKeyRing(store));
    }
}
