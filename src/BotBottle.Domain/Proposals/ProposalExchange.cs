using System.Security.Cryptography;
using System.Text.Json;
using BotBottle.Serialization;

namespace BotBottle.Proposals;

/// <summary>
/// The files through which a bottle's sidecar and the host exchange proposals and decisions, inside the bottle's
/// state folder (mounted into the sidecar): <c>proposals/pending/&lt;id&gt;.json</c> (sidecar → host),
/// <c>proposals/decisions/&lt;id&gt;.json</c> (host → sidecar), <c>proposals/expired/&lt;id&gt;.json</c> (sidecar → host,
/// when it stopped waiting). Every write is atomic: a temporary file in the same folder, flushed to disk, then
/// renamed over the target — which also holds over Docker Desktop's file sharing. Readers never see a half file.
/// </summary>
public sealed class ProposalExchange(string stateDirectory)
{
    /// <summary>Folder name under the state folder.</summary>
    public const string FolderName = "proposals";

    /// <summary>The state folder.</summary>
    public string StateDirectory { get; } = stateDirectory ?? throw new ArgumentNullException(nameof(stateDirectory));

    private string Dir(string kind) => Path.Combine(StateDirectory, FolderName, kind);

    /// <summary>Creates the folders (idempotent).</summary>
    public void EnsureFolders()
    {
        foreach (var d in new[] { "pending", "decisions", "expired" })
        {
            Directory.CreateDirectory(Dir(d));
        }
    }

    /// <summary>Sidecar: files a proposal.</summary>
    public void WritePending(BottleProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        Write(Path.Combine(Dir("pending"), proposal.Id + ".json"), JsonSerializer.SerializeToUtf8Bytes(proposal, ProposalJsonContext.Default.BottleProposal));
    }

    /// <summary>Host: every proposal the sidecar filed (unreadable files are skipped; they are retried next time).</summary>
    public IReadOnlyList<BottleProposal> ReadPending() => ReadAll(Dir("pending"), ProposalJsonContext.Default.BottleProposal);

    /// <summary>Host: delivers a decision.</summary>
    public void WriteDecision(ProposalDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Write(Path.Combine(Dir("decisions"), decision.Id + ".json"), JsonSerializer.SerializeToUtf8Bytes(decision, ProposalJsonContext.Default.ProposalDecision));
    }

    /// <summary>Sidecar: the decision for <paramref name="id"/>, if delivered.</summary>
    public ProposalDecision? TryReadDecision(string id) => ReadOne(Path.Combine(Dir("decisions"), id + ".json"), ProposalJsonContext.Default.ProposalDecision);

    /// <summary>Sidecar: records that it stopped waiting for <paramref name="id"/>.</summary>
    public void WriteExpired(string id, DateTimeOffset at)
    {
        Write(Path.Combine(Dir("expired"), id + ".json"), JsonSerializer.SerializeToUtf8Bytes(new ProposalDecision(id, ProposalState.Expired, "no decision before the timeout", "sidecar", at, null), ProposalJsonContext.Default.ProposalDecision));
    }

    /// <summary>Host: proposals the sidecar stopped waiting for.</summary>
    public IReadOnlyList<ProposalDecision> ReadExpired() => ReadAll(Dir("expired"), ProposalJsonContext.Default.ProposalDecision);

    private static List<T> ReadAll<T>(string dir, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var result = new List<T>();
        foreach (var f in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            if (ReadOne(f, type) is { } item)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static T? ReadOne<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), type) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Atomic write: temp file in the same folder, flush to disk, rename over the target.</summary>
    internal static void Write(string path, byte[] content)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
