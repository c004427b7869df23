using System.Globalization;
using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;
using BotBottle.Errors;

namespace BotBottle.Backends.Docker;

/// <summary>
/// The agent's IP-layer firewall (PRODUCT.md §9 invariant 8). An <c>--internal</c> network keeps the agent off the
/// outside world, but not off the host: packets to the host's own addresses (the network's gateway, <c>docker0</c>,
/// any other bridge) take the host's INPUT path, which <c>--internal</c> does not cover. So before anything runs in the
/// agent container, a short-lived helper container joins the agent's network namespace
/// (<c>NetworkMode: container:&lt;agent&gt;</c>) with <c>NET_ADMIN</c>/<c>NET_RAW</c> only, and installs netfilter rules
/// there: IPv4 INPUT/FORWARD/OUTPUT policy DROP, loopback allowed, OUTPUT allowed only to the sidecar's address on its
/// listening ports (<see cref="SidecarContract"/>: proxy, supervise, git gate over TCP; DNS over UDP and TCP), INPUT only
/// for established flows; IPv6 dropped entirely. The helper exits; the agent itself never holds <c>NET_ADMIN</c> (every
/// capability dropped, <c>no-new-privileges</c>), so it cannot change the rules. Nothing on the host changes and no
/// host firewall rule is needed. The rules use <c>iptables-nft</c> where the kernel has nf_tables and
/// <c>iptables-legacy</c> otherwise (iptables(8), iptables-nft(8)), from the sidecar image.
/// </summary>
/// <remarks>
/// The network namespace lives as long as the container runs: a stopped and restarted agent gets a new one, so every
/// start and resume installs the rules again before the agent is used. Under gVisor (<c>runsc</c>) the sandbox's own
/// network stack would bypass rules in the namespace, so the agent runs under the engine's default runtime.
/// </remarks>
internal static class AgentFirewall
{
    /// <summary>The helper's container name for bottle <paramref name="slug"/>: <c>bot-bottle-&lt;slug&gt;-firewall</c>.</summary>
    public static string HelperName(string slug) => DockerDefaults.NamePrefix + slug + "-firewall";

    /// <summary>TCP ports the agent may reach on the sidecar.</summary>
    public static IReadOnlyList<int> SidecarTcpPorts { get; } = [SidecarContract.ProxyPort, SidecarContract.SupervisePort, SidecarContract.GitGatePort, SidecarContract.DnsPort];

    /// <summary>UDP ports the agent may reach on the sidecar (DNS; the engine's embedded resolver forwards from the agent's namespace).</summary>
    public static IReadOnlyList<int> SidecarUdpPorts { get; } = [SidecarContract.DnsPort];

    /// <summary>
    /// The helper's script (POSIX sh). Arguments: <c>$1</c> the sidecar's IPv4 address, <c>$2</c> space-separated TCP
    /// ports, <c>$3</c> space-separated UDP ports; each is checked to be digits and dots only before it goes into a rule.
    /// Each family's rules are one <c>iptables-restore</c> input (iptables-restore(8)): the filter table is replaced
    /// as a whole in one transaction — policies DROP (fail closed), the old rules flushed, the allowances added — or
    /// not at all, so no half-installed set is ever in force. <c>iptables-nft-restore</c> is tried first and
    /// <c>iptables-legacy-restore</c> where nf_tables does not work; three programs run instead of one per rule. The
    /// last line verifies the OUTPUT policy with the flavour that took the rules.
    /// </summary>
    public const string Script = """
        set -eu
        sidecar=$1; tcp_ports=$2; udp_ports=$3
        for value in "$sidecar" $tcp_ports $udp_ports; do
          case "$value" in ''|*[!0-9.]*) echo "bot-bottle firewall: '$value' is not an IPv4 address or a port" >&2; exit 2 ;; esac
        done
        rules4() {
          echo '*filter'
          echo ':INPUT DROP [0:0]'; echo ':FORWARD DROP [0:0]'; echo ':OUTPUT DROP [0:0]'
          echo '-A INPUT -i lo -j ACCEPT'
          echo "-A INPUT -s $sidecar -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
          echo '-A OUTPUT -o lo -j ACCEPT'
          for p in $tcp_ports; do echo "-A OUTPUT -d $sidecar -p tcp --dport $p -j ACCEPT"; done
          for p in $udp_ports; do echo "-A OUTPUT -d $sidecar -p udp --dport $p -j ACCEPT"; done
          echo 'COMMIT'
        }
        rules6() {
          echo '*filter'
          echo ':INPUT DROP [0:0]'; echo ':FORWARD DROP [0:0]'; echo ':OUTPUT DROP [0:0]'
          echo '-A INPUT -i lo -j ACCEPT'
          echo '-A OUTPUT -o lo -j ACCEPT'
          echo 'COMMIT'
        }
        install() { # install FAMILY(iptables|ip6tables) RULES-FUNCTION: prints the flavour that took the rules
          for flavour in nft legacy; do
            if command -v "$1-$flavour-restore" >/dev/null 2>&1 && $2 | "$1-$flavour-restore" -w 2>/dev/null; then echo "$1-$flavour"; return 0; fi
          done
          return 1
        }
        ipt=$(install iptables rules4) || { echo "bot-bottle firewall: neither iptables-nft nor iptables-legacy works in the agent's network namespace" >&2; exit 3; }
        if [ -e /proc/net/if_inet6 ]; then
          install ip6tables rules6 >/dev/null || { echo "bot-bottle firewall: IPv6 is enabled but ip6tables does not work in the agent's network namespace" >&2; exit 3; }
        fi
        $ipt -w -S OUTPUT | grep -qx -- '-P OUTPUT DROP'
        echo "bot-bottle firewall: $ipt: only $sidecar (tcp $tcp_ports; udp $udp_ports) and loopback"
        """;

    /// <summary>The helper container: the sidecar image running <see cref="Script"/> as root in the agent's network namespace, with only NET_ADMIN and NET_RAW.</summary>
    /// <param name="image">The sidecar image (it carries iptables).</param>
    /// <param name="agentId">The running agent container.</param>
    /// <param name="sidecarAddress">The sidecar's IPv4 address on the bottle's internal network.</param>
    /// <param name="labels">Labels (the bottle's, role <c>firewall</c>), so teardown and cleanup find a helper left behind.</param>
    public static CreateContainerParameters CreateRequest(string image, string agentId, string sidecarAddress, IReadOnlyDictionary<string, string> labels) => new()
    {
        Image = image,
        User = "0:0",
        Entrypoint = ["/bin/sh", "-c", Script, "bot-bottle-firewall", sidecarAddress,
            string.Join(' ', SidecarTcpPorts.Select(p => p.ToString(CultureInfo.InvariantCulture))),
            string.Join(' ', SidecarUdpPorts.Select(p => p.ToString(CultureInfo.InvariantCulture)))],
        Labels = new Dictionary<string, string>(labels),
        HostConfig = new HostConfig
        {
            NetworkMode = "container:" + agentId,
            CapDrop = ["ALL"],
            CapAdd = ["NET_ADMIN", "NET_RAW"],
            SecurityOpt = ["no-new-privileges"],
            PidsLimit = 64,
        },
    };

    /// <summary>
    /// Runs the helper against the running agent container and waits for it; removes it afterwards.
    /// </summary>
    /// <exception cref="BotBottleException"><c>FirewallFailed</c> (InvalidOperation) with the helper's output when it did not exit 0; the caller tears the bottle down.</exception>
    public static async Task InstallAsync(IDockerEngine engine, string slug, string agentId, string image, string sidecarAddress, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var id = await CreateHelperAsync(engine, slug, agentId, image, sidecarAddress, labels, ct).ConfigureAwait(false);
        await RunHelperAsync(engine, slug, id, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the helper (<see cref="CreateRequest"/>) for the agent container <paramref name="agentId"/>, which must
    /// exist but need not run yet (the engine joins the namespace at the helper's start), so a launch creates it while
    /// the agent starts. A helper left by an earlier start (same name) is removed first. Returns its id; it is labelled
    /// with the bottle, so a rollback's label sweep removes it when <see cref="RunHelperAsync"/> never ran.
    /// </summary>
    public static async Task<string> CreateHelperAsync(IDockerEngine engine, string slug, string agentId, string image, string sidecarAddress, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var name = HelperName(slug);
        try
        {
            return await engine.CreateContainerAsync(name, CreateRequest(image, agentId, sidecarAddress, labels), ct).ConfigureAwait(false);
        }
        catch (DockerConflictException)
        {
            await engine.RemoveContainerAsync(name, force: true, removeVolumes: true, ignoreMissing: true, ct).ConfigureAwait(false);
            return await engine.CreateContainerAsync(name, CreateRequest(image, agentId, sidecarAddress, labels), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the created helper <paramref name="helperId"/> (the agent container runs by now), waits for it and removes it, whatever the outcome.</summary>
    /// <exception cref="BotBottleException"><c>FirewallFailed</c> (InvalidOperation) with the helper's output when it did not exit 0; the caller tears the bottle down.</exception>
    public static async Task RunHelperAsync(IDockerEngine engine, string slug, string helperId, CancellationToken ct)
    {
        try
        {
            await engine.StartContainerAsync(helperId, ct).ConfigureAwait(false);
            var exit = await engine.WaitContainerAsync(helperId, ct).ConfigureAwait(false);
            if (exit != 0)
            {
                var logs = await engine.GetContainerLogsAsync(helperId, 30, ct).ConfigureAwait(false);
                throw new BotBottleException("FirewallFailed", BotBottleErrorCategory.InvalidOperation,
                    $"The firewall of bottle '{slug}' could not be installed in the agent's network namespace (exit {exit}); the bottle is not started without it. Output:\n{logs.Trim()}") { TargetObject = slug };
            }
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await engine.RemoveContainerAsync(helperId, force: true, removeVolumes: true, ignoreMissing: true, cleanup.Token).ConfigureAwait(false);
        }
    }
}
