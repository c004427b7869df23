using System.Runtime.InteropServices;
using BotBottle.Processes;

namespace BotBottle.Tests.Sidecar;

public class SidecarBinaryTests
{
    [SkippableFact]
    public async Task The_module_ships_a_runnable_linux_x64_sidecar_of_the_same_version()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64,
            "the linux-x64 sidecar can only be executed on a Linux x64 host (it is run inside containers elsewhere)");
        var path = Path.Combine(RepoPaths.ModuleDirectory, "sidecar", "linux-x64", "bot-bottle-sidecar");
        Assert.True(File.Exists(path), $"{path} was not built");
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec(path, "--version"));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith(RepoPaths.Version, r.StandardOutput.Trim(), StringComparison.Ordinal);
    }
}

/// <summary>The published sidecar binary run as a real process: routes file, reload, secrets from its environment.</summary>
public class SidecarProcessTests
{
    [SkippableFact]
    public async Task Routes_reload_live_bad_files_keep_the_old_policy_and_secrets_come_from_the_environment()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the linux-x64 sidecar can only be executed on a Linux x64 host");
        using var dir = new TempDirectory();
        await using var upstream = await TestUpstream.StartAsync(dir.Combine("up-ca.pem"));
        var sidecar = Path.Combine(RepoPaths.ModuleDirectory, "sidecar", "linux-x64", "bot-bottle-sidecar");
        (await BotBottle.Processes.ProcessRunner.Default.RunAsync(new BotBottle.Processes.ProcessSpec(sidecar, "ca", "create", "--dir", dir.Combine("ca")))).EnsureSuccess();
        var routes = dir.WriteFile("routes.yaml", $"log: 2\nroutes:\n  - host: a.test\n    ports: [{upstream.HttpsPort}]\n    allow_private: true\n    auth: {{scheme: Bearer, token_ref: A_TOKEN}}\n");
        var psi = new System.Diagnostics.ProcessStartInfo(sidecar, ["egress", "--routes", routes, "--ca", dir.Combine("ca"), "--listen", "127.0.0.1:0",
            "--upstream-ca", upstream.CaPemPath, "--resolve", "a.test=127.0.0.1", "--resolve", "b.test=127.0.0.1"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.Environment["BB_SIDECAR_SECRET_A_TOKEN"] = "from-the-sidecar-environment-123";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var port = new TaskCompletionSource<int>();
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                log.Enqueue(line);
                var m = System.Text.RegularExpressions.Regex.Match(line, @"listening on 127\.0\.0\.1:(\d+)");
                if (m.Success)
                {
                    port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        });
        try
        {
            var p = await port.Task.WaitAsync(TimeSpan.FromSeconds(20));
            async Task<string> Curl(string host) => (await BotBottle.Processes.ProcessRunner.Default.RunAsync(new BotBottle.Processes.ProcessSpec("curl",
                "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "--proxy", $"http://127.0.0.1:{p}", "--cacert", dir.Combine("ca", "ca.crt"),
                $"https://{host}:{upstream.HttpsPort}/reload-{host}") { Environment = new Dictionary<string, string?> { ["CURL_CA_BUNDLE"] = null, ["SSL_CERT_FILE"] = null } })).StandardOutput;

            Assert.Equal("200", await Curl("a.test"));
            Assert.Equal("Bearer from-the-sidecar-environment-123", upstream.Last("/reload-a.test").Headers["Authorization"]);
            Assert.Equal("403", await Curl("b.test"));

            File.WriteAllText(routes, $"log: 2\nroutes:\n  - host: a.test\n    ports: [{upstream.HttpsPort}]\n    allow_private: true\n  - host: b.test\n    ports: [{upstream.HttpsPort}]\n    allow_private: true\n");
            Assert.True(await Eventually(async () => await Curl("b.test") == "200"), "the new route never took effect");

            File.WriteAllText(routes, "routes:\n  - hots: nope\n");
            Assert.True(await Eventually(() => Task.FromResult(log.Any(l => l.Contains("reload-failed", StringComparison.Ordinal)))), "no reload-failed event");
            Assert.Contains(log, l => l.Contains("routes.yaml:2:5", StringComparison.Ordinal));
            Assert.Equal("200", await Curl("b.test")); // the old policy stays
            Assert.DoesNotContain(log, l => l.Contains("from-the-sidecar-environment-123", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 40; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
