using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// Builds tar archives in memory for build contexts and <c>PUT /containers/{id}/archive</c>. Entries get a fixed
/// modification time so the same inputs always produce the same bytes (stable content hashes, warm build caches).
/// </summary>
internal sealed class TarBuilder
{
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Adds a file. <paramref name="path"/> is relative, '/'-separated; parent folders are added as needed.</summary>
    public TarBuilder AddFile(string path, ReadOnlyMemory<byte> content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0)
    {
        path = Normalize(path);
        AddParents(path, uid, gid);
        _entries[path] = new Entry(TarEntryType.RegularFile, content, mode, uid, gid);
        return this;
    }

    /// <summary>Adds a UTF-8 text file.</summary>
    public TarBuilder AddFile(string path, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0) =>
        AddFile(path, System.Text.Encoding.UTF8.GetBytes(content), mode, uid, gid);

    /// <summary>Adds an (empty) folder.</summary>
    public TarBuilder AddDirectory(string path, UnixFileMode mode = (UnixFileMode)0b111_101_101, int uid = 0, int gid = 0)
    {
        path = Normalize(path);
        AddParents(path, uid, gid);
        _entries[path + "/"] = new Entry(TarEntryType.Directory, ReadOnlyMemory<byte>.Empty, mode, uid, gid);
        return this;
    }

    /// <summary>
    /// Adds everything under <paramref name="hostDirectory"/> below <paramref name="prefix"/>, keeping Unix modes where
    /// the host has them. Symbolic links are added as links (their target text as written) and never followed, so a
    /// link in the folder cannot pull a host file from outside it into the archive; devices are skipped.
    /// </summary>
    public TarBuilder AddDirectoryFrom(string hostDirectory, string prefix, int uid = 0, int gid = 0)
    {
        var root = Path.GetFullPath(hostDirectory);
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            foreach (var item in pending.Pop().EnumerateFileSystemInfos())
            {
                var name = Join(prefix, Path.GetRelativePath(root, item.FullName));
                if (item.LinkTarget is { } target)
                {
                    AddParents(Normalize(name), uid, gid);
                    _entries[Normalize(name)] = new Entry(TarEntryType.SymbolicLink, ReadOnlyMemory<byte>.Empty, (UnixFileMode)0b111_111_111, uid, gid, target);
                }
                else if (item is DirectoryInfo dir)
                {
                    AddDirectory(name, OperatingSystem.IsWindows() ? (UnixFileMode)0b111_101_101 : dir.UnixFileMode, uid, gid);
                    pending.Push(dir);
                }
                else if (item is FileInfo file && (file.Attributes & FileAttributes.Device) == 0)
                {
                    AddFile(name, File.ReadAllBytes(file.FullName), OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : file.UnixFileMode, uid, gid);
                }
            }
        }

        return this;
    }

    /// <summary>
    /// Writes the archive to a new <see cref="MemoryStream"/> positioned at 0. Its buffer is sized for the archive up
    /// front and file contents are not copied before they are written (a build context carries the 40 MB sidecar
    /// binary: each copy or regrowth of it cost a start tens of milliseconds).
    /// </summary>
    public MemoryStream ToStream()
    {
        var ms = new MemoryStream(checked((int)Math.Min(int.MaxValue, EstimatedLength)));
        // GNU format, not PAX: .NET names PAX extended-header entries after the writing process id
        // (PaxHeaders.<pid>), which would make the same inputs hash differently in every process.
        using (var writer = new TarWriter(ms, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (name, e) in _entries)
            {
                var entry = new GnuTarEntry(e.Type, name)
                {
                    Mode = e.Mode,
                    Uid = e.Uid,
                    Gid = e.Gid,
                    ModificationTime = FixedTime,
                };
                if (e.Type == TarEntryType.RegularFile)
                {
                    entry.DataStream = MemoryMarshal.TryGetArray(e.Content, out var segment)
                        ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                        : new MemoryStream(e.Content.ToArray(), writable: false);
                }
                else if (e.Type == TarEntryType.SymbolicLink)
                {
                    entry.LinkName = e.LinkTarget!;
                }

                writer.WriteEntry(entry);
            }
        }

        ms.Position = 0;
        return ms;
    }

    /// <summary>
    /// The archive's size in bytes, or a little more: per entry a header block and, for a GNU long name or link, its
    /// extra header and data blocks; each file's content padded to 512-byte blocks; the two end blocks (POSIX ustar,
    /// GNU tar manual "Basic Tar Format").
    /// </summary>
    private long EstimatedLength
    {
        get
        {
            long total = 2 * 512;
            foreach (var (name, e) in _entries)
            {
                total += 512 + Padded(e.Content.Length);
                var longest = Math.Max(System.Text.Encoding.UTF8.GetByteCount(name), e.LinkTarget is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(e.LinkTarget));
                if (longest >= 100)
                {
                    total += 2 * (512 + Padded(longest + 1));
                }
            }

            return total;

            static long Padded(long n) => (n + 511) / 512 * 512;
        }
    }

    private void AddParents(string path, int uid, int gid)
    {
        var slash = path.LastIndexOf('/');
        while (slash > 0)
        {
            var parent = path[..slash] + "/";
            if (!_entries.ContainsKey(parent))
            {
                _entries[parent] = new Entry(TarEntryType.Directory, ReadOnlyMemory<byte>.Empty, (UnixFileMode)0b111_101_101, uid, gid);
            }

            slash = path.LastIndexOf('/', slash - 1);
        }
    }

    private static string Join(string prefix, string relative)
    {
        relative = relative.Replace('\\', '/');
        return string.IsNullOrEmpty(prefix) ? relative : prefix.TrimEnd('/') + "/" + relative;
    }

    private static string Normalize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = path.Replace('\\', '/').Trim('/');
        if (path.Length == 0 || path.Split('/').Any(s => s is ".." or "."))
        {
            throw new ArgumentException($"Tar entry path '{path}' must be relative and must not contain '.' or '..' segments.", nameof(path));
        }

        return path;
    }

    private readonly record struct Entry(TarEntryType Type, ReadOnlyMemory<byte> Content, UnixFileMode Mode, int Uid, int Gid, string? LinkTarget = null);
}
