using System.Globalization;
using BotBottle.Errors;
using Microsoft.Data.Sqlite;

namespace BotBottle.Proposals;

/// <summary>One audit record: a decision, a blocked request, a push verdict…</summary>
/// <param name="Sequence">Order of recording.</param>
/// <param name="At">When (UTC).</param>
/// <param name="BottleName">The bottle.</param>
/// <param name="Event"><c>proposal-filed</c>, <c>proposal-approved</c>, <c>proposal-modified</c>, <c>proposal-denied</c>, <c>proposal-expired</c>, <c>routes-changed</c>, <c>push</c>…</param>
/// <param name="ProposalId">The proposal concerned, if any.</param>
/// <param name="Actor">Who: the decider, <c>agent</c>, <c>sidecar</c>.</param>
/// <param name="Detail">What, in one line (no secrets).</param>
public sealed record BottleAuditEntry(long Sequence, DateTimeOffset At, string BottleName, string Event, string? ProposalId, string? Actor, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{At:u} {BottleName} {Event}{(ProposalId is null ? string.Empty : " " + ProposalId)}: {Detail}";
}

/// <summary>
/// The host's durable record of proposals and the audit log: SQLite (Microsoft.Data.Sqlite) at
/// <c>$BOT_BOTTLE_HOME/botbottle.db</c>, WAL mode, every change in an immediate transaction, so several processes
/// (two operators, a watching runbook) can use it at once. A decision is a conditional update from
/// <c>pending</c>: of two racing deciders exactly one wins and the other gets <c>ProposalNotPending</c>.
/// </summary>
public sealed class ProposalStore
{
    private readonly string _connectionString;

    /// <summary>Opens (creating if needed) the store at <paramref name="databasePath"/>.</summary>
    public ProposalStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        DatabasePath = System.IO.Path.GetFullPath(databasePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 }.ToString();
        using var c = Open();
        Exec(c, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS proposals (
              id TEXT PRIMARY KEY, bottle TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
              payload TEXT NOT NULL, summary TEXT NOT NULL, justification TEXT NOT NULL, filed_at TEXT NOT NULL,
              decided_at TEXT, decider TEXT, reason TEXT, approved_payload TEXT, routes_before TEXT, routes_after TEXT,
              applied INTEGER NOT NULL DEFAULT 0, delivered INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS proposals_state ON proposals(state, filed_at);
            CREATE TABLE IF NOT EXISTS audit (
              seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, bottle TEXT NOT NULL, event TEXT NOT NULL,
              proposal_id TEXT, actor TEXT, detail TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS imported_events (key TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS import_offsets (file TEXT PRIMARY KEY, offset INTEGER NOT NULL);
            """);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Records a filed proposal if it is new (idempotent by id); returns <see langword="true"/> when it was new.</summary>
    public bool Import(BottleProposal p)
    {
        ArgumentNullException.ThrowIfNull(p);
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        var inserted = Exec(c, tx, """
            INSERT OR IGNORE INTO proposals (id, bottle, kind, state, payload, summary, justification, filed_at)
            VALUES ($id, $bottle, $kind, 'pending', $payload, $summary, $justification, $filed)
            """, ("$id", p.Id), ("$bottle", p.BottleName), ("$kind", ProposalKindConverter.Name(p.Kind)), ("$payload", p.Payload),
            ("$summary", p.Summary), ("$justification", p.Justification), ("$filed", Time(p.FiledAt))) == 1;
        if (inserted)
        {
            Audit(c, tx, p.BottleName, "proposal-filed", p.Id, p.Kind == ProposalKind.EgressAllow ? "agent" : "sidecar", $"{ProposalKindConverter.Name(p.Kind)}: {p.Summary} — {p.Justification}");
        }

        tx.Commit();
        return inserted;
    }

    /// <summary>
    /// Decides a pending proposal atomically. <paramref name="prepare"/> runs inside the transaction with the
    /// current proposal and returns the routes before/after (or nulls); if it throws, nothing changes.
    /// </summary>
    /// <exception cref="BotBottleException"><c>ProposalNotFound</c>; <c>ProposalNotPending</c> naming the state and decider when it was already decided.</exception>
    public BottleProposal Decide(string id, ProposalState state, string decider, string? reason, string? approvedPayload, Func<BottleProposal, (string? Before, string? After)> prepare)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one writer at a time
        var current = Get(c, tx, id) ?? throw NotFound(id);
        if (current.State != ProposalState.Pending)
        {
            throw NotPending(current);
        }

        var (before, after) = prepare(current);
        var now = DateTimeOffset.UtcNow;
        var changed = Exec(c, tx, """
            UPDATE proposals SET state = $state, decided_at = $at, decider = $decider, reason = $reason,
              approved_payload = $approved, routes_before = $before, routes_after = $after
            WHERE id = $id AND state = 'pending'
            """, ("$state", Name(state)), ("$at", Time(now)), ("$decider", decider), ("$reason", reason), ("$approved", approvedPayload),
            ("$before", before), ("$after", after), ("$id", id));
        if (changed != 1)
        {
            throw NotPending(Get(c, tx, id)!);
        }

        Audit(c, tx, current.BottleName, "proposal-" + Name(state), id, decider, (reason ?? "no reason given") + (before != after && after is not null ? " (routes changed)" : string.Empty));
        tx.Commit();
        return Get(c, null, id)!;
    }

    /// <summary>Marks a pending proposal expired (the filer stopped waiting); no-op otherwise.</summary>
    public bool Expire(string id, DateTimeOffset at)
    {
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        var p = Get(c, tx, id);
        if (p is null || p.State != ProposalState.Pending)
        {
            return false;
        }

        Exec(c, tx, "UPDATE proposals SET state = 'expired', decided_at = $at, decider = 'sidecar', reason = 'no decision before the timeout' WHERE id = $id AND state = 'pending'", ("$at", Time(at)), ("$id", id));
        Audit(c, tx, p.BottleName, "proposal-expired", id, "sidecar", "no decision before the filer's timeout; what it held was refused");
        tx.Commit();
        return true;
    }

    /// <summary>
    /// Applies a decided proposal exactly once, under the database's write lock (<c>BEGIN IMMEDIATE</c>), so
    /// applications by different processes (a decider, another operator's sync finishing an interrupted decision)
    /// never interleave their read-merge-write of a bottle's routes. <paramref name="apply"/> receives the proposal
    /// and returns the routes before and after when it changed them (recorded on the proposal and as a
    /// <c>routes-changed</c> audit entry), or <see langword="null"/>. Nothing happens when the proposal is already applied.
    /// A crash inside <paramref name="apply"/> leaves the proposal unapplied, and applying again must be harmless
    /// (route merging is idempotent).
    /// </summary>
    /// <returns>Whether this call applied it.</returns>
    public bool ApplyOnce(string id, Func<BottleProposal, (string Before, string After, string Detail)?> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        using (var check = c.CreateCommand())
        {
            check.Transaction = tx;
            check.CommandText = "SELECT applied FROM proposals WHERE id = $id";
            check.Parameters.AddWithValue("$id", id);
            if (check.ExecuteScalar() is not long applied || applied == 1)
            {
                return false;
            }
        }

        var p = Get(c, tx, id)!;
        if (apply(p) is { } change)
        {
            Exec(c, tx, "UPDATE proposals SET routes_before = $before, routes_after = $after WHERE id = $id", ("$before", change.Before), ("$after", change.After), ("$id", id));
            Audit(c, tx, p.BottleName, "routes-changed", id, p.Decider, change.Detail);
        }

        Exec(c, tx, "UPDATE proposals SET applied = 1 WHERE id = $id", ("$id", id));
        tx.Commit();
        return true;
    }

    /// <summary>Marks the decision applied / delivered (decision file written) without doing it; <see cref="ApplyOnce"/> is how decisions are applied.</summary>
    public void Mark(string id, bool? applied = null, bool? delivered = null)
    {
        using var c = Open();
        if (applied is { } a)
        {
            Exec(c, null, "UPDATE proposals SET applied = $v WHERE id = $id", ("$v", a ? 1 : 0), ("$id", id));
        }

        if (delivered is { } d)
        {
            Exec(c, null, "UPDATE proposals SET delivered = $v WHERE id = $id", ("$v", d ? 1 : 0), ("$id", id));
        }
    }

    /// <summary>Decided proposals whose application or delivery did not finish (a crash in between).</summary>
    public IReadOnlyList<(BottleProposal BottleProposal, bool Applied, bool Delivered)> Unfinished()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT *, applied, delivered FROM proposals WHERE state IN ('approved','modified','denied','expired') AND (applied = 0 OR delivered = 0)";
        using var r = cmd.ExecuteReader();
        var list = new List<(BottleProposal, bool, bool)>();
        while (r.Read())
        {
            list.Add((Read(r), r.GetInt32(r.GetOrdinal("applied")) == 1, r.GetInt32(r.GetOrdinal("delivered")) == 1));
        }

        return list;
    }

    /// <summary>One proposal, or null.</summary>
    public BottleProposal? Get(string id)
    {
        using var c = Open();
        return Get(c, null, id);
    }

    /// <summary>Proposals, newest first, filtered.</summary>
    public IReadOnlyList<BottleProposal> List(string? bottle = null, ProposalState? state = null, ProposalKind? kind = null)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (bottle is not null)
        {
            where.Add("bottle = $bottle");
            cmd.Parameters.AddWithValue("$bottle", bottle);
        }

        if (state is { } s)
        {
            where.Add("state = $state");
            cmd.Parameters.AddWithValue("$state", Name(s));
        }

        if (kind is { } k)
        {
            where.Add("kind = $kind");
            cmd.Parameters.AddWithValue("$kind", ProposalKindConverter.Name(k));
        }

        cmd.CommandText = "SELECT * FROM proposals" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) + " ORDER BY filed_at, id";
        using var r = cmd.ExecuteReader();
        var list = new List<BottleProposal>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return list;
    }

    /// <summary>Adds an audit record.</summary>
    public void Audit(string bottle, string @event, string? proposalId, string? actor, string detail)
    {
        using var c = Open();
        Audit(c, null, bottle, @event, proposalId, actor, detail);
    }

    /// <summary>
    /// How far (in bytes) the append-only sidecar file <paramref name="file"/> (a key such as
    /// <c>slug/audit/egress.jsonl</c>) has been imported by <see cref="ImportEvents"/>; 0 when never.
    /// </summary>
    public long ImportOffset(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT offset FROM import_offsets WHERE file = $file";
        cmd.Parameters.AddWithValue("$file", file);
        return cmd.ExecuteScalar() is long offset ? offset : 0;
    }

    /// <summary>
    /// Adds the audit records a sidecar reported in one append-only file (e.g. <c>git-push</c> decisions), each once (a
    /// second import of the same key changes nothing), and records <paramref name="offset"/> as how far that file is now imported — all in
    /// one transaction, so a crash imports nothing twice and loses nothing. Returns how many records were new.
    /// </summary>
    /// <param name="file">The file's key (bottle and path), as given to <see cref="ImportOffset"/>.</param>
    /// <param name="offset">Bytes of the file now imported (the end of its last complete line); 0 forgets the file.</param>
    /// <param name="events">The records: unique key, time, bottle, event name, actor, detail (no secrets).</param>
    public int ImportEvents(string file, long offset, IEnumerable<(string Key, DateTimeOffset At, string Bottle, string Event, string? Actor, string Detail)> events)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(events);
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        var added = 0;
        foreach (var e in events)
        {
            if (InsertImported(c, tx, e))
            {
                added++;
            }
        }

        if (offset == 0)
        {
            Exec(c, tx, "DELETE FROM import_offsets WHERE file = $file", ("$file", file));
        }
        else
        {
            Exec(c, tx, "INSERT INTO import_offsets (file, offset) VALUES ($file, $offset) ON CONFLICT(file) DO UPDATE SET offset = excluded.offset", ("$file", file), ("$offset", offset));
        }

        tx.Commit();
        return added;
    }

    /// <summary>Audit records in order, optionally for one bottle and after a sequence number.</summary>
    public IReadOnlyList<BottleAuditEntry> AuditLog(string? bottle = null, long after = 0)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, at, bottle, event, proposal_id, actor, detail FROM audit WHERE seq > $after" + (bottle is null ? string.Empty : " AND bottle = $bottle") + " ORDER BY seq";
        cmd.Parameters.AddWithValue("$after", after);
        if (bottle is not null)
        {
            cmd.Parameters.AddWithValue("$bottle", bottle);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<BottleAuditEntry>();
        while (r.Read())
        {
            list.Add(new BottleAuditEntry(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), OperatorText.Neutralize(r.GetString(6))!));
        }

        return list;
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Exec(c, null, "PRAGMA busy_timeout = 30000;");
        return c;
    }

    private static BottleProposal? Get(SqliteConnection c, SqliteTransaction? tx, string id)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT * FROM proposals WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    private static BottleProposal Read(SqliteDataReader r)
    {
        string? S(string col) => r.IsDBNull(r.GetOrdinal(col)) ? null : r.GetString(r.GetOrdinal(col));
        if (!ProposalKindConverter.TryParse(S("kind"), out var kind))
        {
            throw new InvalidDataException($"unknown proposal kind '{S("kind")}' in the store");
        }

        return new BottleProposal
        {
            Id = S("id")!,
            BottleName = S("bottle")!,
            Kind = kind,
            State = Enum.Parse<ProposalState>(S("state")!, ignoreCase: true),
            Payload = S("payload")!,
            // Text from inside the bottle (the agent's justification, names it chose in a summary) reaches operators'
            // terminals: control and bidirectional characters are shown, never obeyed (OperatorText).
            Summary = OperatorText.Neutralize(S("summary"))!,
            Justification = OperatorText.Neutralize(S("justification"))!,
            FiledAt = DateTimeOffset.Parse(S("filed_at")!, CultureInfo.InvariantCulture),
            DecidedAt = S("decided_at") is { } d ? DateTimeOffset.Parse(d, CultureInfo.InvariantCulture) : null,
            Decider = S("decider"),
            Reason = S("reason"),
            ApprovedPayload = S("approved_payload"),
            RoutesBefore = S("routes_before"),
            RoutesAfter = S("routes_after"),
        };
    }

    private static void Audit(SqliteConnection c, SqliteTransaction? tx, string bottle, string @event, string? proposalId, string? actor, string detail) =>
        Exec(c, tx, "INSERT INTO audit (at, bottle, event, proposal_id, actor, detail) VALUES ($at, $bottle, $event, $pid, $actor, $detail)",
            ("$at", Time(DateTimeOffset.UtcNow)), ("$bottle", bottle), ("$event", @event), ("$pid", proposalId), ("$actor", actor), ("$detail", detail));

    private static int Exec(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        return cmd.ExecuteNonQuery();
    }

    private static string Name(ProposalState s) => s.ToString().ToLowerInvariant();

    /// <summary>Inserts one reported audit record unless its key was imported before; true when it was new.</summary>
    private static bool InsertImported(SqliteConnection c, SqliteTransaction tx, (string Key, DateTimeOffset At, string Bottle, string Event, string? Actor, string Detail) e)
    {
        if (Exec(c, tx, "INSERT OR IGNORE INTO imported_events (key) VALUES ($key)", ("$key", e.Key)) != 1)
        {
            return false;
        }

        Exec(c, tx, "INSERT INTO audit (at, bottle, event, proposal_id, actor, detail) VALUES ($at, $bottle, $event, NULL, $actor, $detail)",
            ("$at", Time(e.At)), ("$bottle", e.Bottle), ("$event", e.Event), ("$actor", e.Actor), ("$detail", e.Detail));
        return true;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The <c>ProposalNotFound</c> error for <paramref name="id"/>, recommending to list the proposals.</summary>
    internal static BotBottleException NotFound(string id) =>
        new("ProposalNotFound", BotBottleErrorCategory.ObjectNotFound, $"There is no proposal '{id}'. List the proposals to see their ids.") { TargetObject = id, Recommended = RecommendedAction.ListProposals };

    private static BotBottleException NotPending(BottleProposal p) =>
        new("ProposalNotPending", BotBottleErrorCategory.InvalidOperation,
            $"BottleProposal '{p.Id}' is already {p.State.ToString().ToLowerInvariant()}{(p.Decider is null ? string.Empty : $" (by {p.Decider} at {p.DecidedAt:u})")}; nothing was changed.") { TargetObject = p.Id };
}
