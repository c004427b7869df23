using System.Net;
using System.Net.Sockets;

namespace BotBottle.Sidecar.Egress;

/// <summary>Resolves upstream host names: static overrides first, then the system resolver.</summary>
internal sealed class HostResolver(IReadOnlyDictionary<string, IPAddress[]> overrides)
{
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (overrides.TryGetValue(host, out var fixedAddresses))
        {
            return fixedAddresses;
        }

        try
        {
            return await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
