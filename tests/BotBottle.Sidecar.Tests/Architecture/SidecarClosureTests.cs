using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace BotBottle.Tests.Architecture;

/// <summary>
/// The sidecar runs in every bottle and is published NativeAOT: its assembly closure must hold only the bottom layer
/// (BotBottle.Domain) and what that needs, never the host side (BotBottle.Core: backends, instances, the proposal
/// database) nor the engine client or SQLite (issue 19, item 4).
/// </summary>
public sealed class SidecarClosureTests
{
    private static readonly string[] s_forbidden =
    [
        "BotBottle.Core", "BotBottle.Cli", "BotBottle.PowerShell", "Docker.DotNet", "Docker.DotNet.Enhanced",
        "Docker.DotNet.Enhanced.X509", "Microsoft.Data.Sqlite", "SQLitePCLRaw.core", "System.Management.Automation",
    ];

    [Fact]
    public void The_sidecar_closure_has_no_host_side_assembly()
    {
        var closure = Closure("bot-bottle-sidecar");
        Assert.Contains("BotBottle.Domain", closure.Keys);
        var bad = closure.Where(a => s_forbidden.Contains(a.Key, StringComparer.Ordinal)).Select(a => $"{a.Key} (referenced by {a.Value})").ToList();
        Assert.True(bad.Count == 0, "The sidecar's assembly closure must stay host-free; found: " + string.Join(", ", bad));
    }

    /// <summary>Assembly name → the assembly that first referenced it, following references to files next to the tests.</summary>
    private static Dictionary<string, string> Closure(string root)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal) { [root] = "(root)" };
        var queue = new Queue<string>([root]);
        while (queue.TryDequeue(out var name))
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path))
            {
                continue; // a framework assembly: not ours to police
            }

            using var pe = new PEReader(File.OpenRead(path));
            var md = pe.GetMetadataReader();
            foreach (var handle in md.AssemblyReferences)
            {
                var reference = md.GetString(md.GetAssemblyReference(handle).Name);
                if (found.TryAdd(reference, name))
                {
                    queue.Enqueue(reference);
                }
            }
        }

        return found;
    }
}
