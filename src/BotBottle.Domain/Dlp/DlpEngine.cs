using System.Buffers;
using System.Runtime.CompilerServices;
using BotBottle.Policy;

namespace BotBottle.Dlp;

/// <summary>
/// The outbound DLP engine (PRODUCT.md §1 point 3, §6.1, §9 invariant 2) and the inbound injection detector. Built once
/// per policy and secret set with <see cref="Create"/>; immutable and safe to use from any number of threads.
/// <para>
/// Hot path: one vectorised pass classifies 64 characters at a time and yields runs of token characters and digit runs
/// (<c>RunScanner</c>); only inside runs does a Bloom-filtered trigram search look for every literal at once — rule
/// anchors and the stable cores of their base64 (three alignments) and hex encodings, and the encoded forms of each
/// known secret (<c>LiteralTable</c>). Plain known secrets use one <c>SearchValues&lt;string&gt;</c> pass on .NET 9+
/// (an <c>IndexOf</c> per secret on .NET 8). Hand-written anchored validators confirm candidates. Text containing
/// <c>%</c>, backslash escapes or foldable non-ASCII characters is decoded segment by segment (repeated
/// percent-decoding, JSON/<c>\x</c> unescaping, NFKC folding and invisible-character removal) and rescanned; benign
/// ASCII pays for none of it.
/// </para>
/// <para>
/// Probe pass (delimited hex, byte arrays, BIP-39 phrases; every 44 characters): each probe starts with tests that
/// cost no data-dependent branch — an 8- or 16-character vector test for the hex shapes and, for seed phrases, two
/// bit scans of a break bitmap filled per chunk (<c>RunScanner.FillSeedBreaks</c>: capitals, digits, punctuation,
/// one-, two- and nine-letter words) — so that ordinary prose, which used to cost several mispredicted branches per
/// probe, mostly skips the word walk.
/// </para>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>At most this many findings are recorded per <see cref="ScanRequest"/> / <see cref="Scan"/> call (1000); scanning stops there, the request already has findings.</summary>
    public const int MaxFindings = 1000;

    private const int MaxDecodeRounds = 8;
    private const int DecodeWindow = 8192;

    /// <summary>Characters per chunk: classification, run scanning and candidate checks of one chunk run while it is in L1.</summary>
    private const int ChunkChars = 8192;

    private readonly TokenRule[] _rules;
    private readonly KnownSecret[] _longSecrets;
    private readonly KnownSecret[] _otherPlainSecrets;
    private readonly Dictionary<string, KnownSecret> _shortSecrets;
    private readonly LiteralTable _literals;
    /// <summary>Anchors that end just before a token run ("SG.", "AccountKey=", "hvs."), by their last character (ASCII), so a run start looks only at the anchors its preceding character can end.</summary>
    private readonly (string Text, int Rule)[]?[] _preRunByLast = new (string Text, int Rule)[]?[128];

    /// <summary>
    /// Per last character <c>l</c> of <see cref="_preRunByLast"/>, words <c>2l</c> and <c>2l + 1</c>: bit <c>c</c>
    /// (ASCII; non-ASCII reads bit 127) set when one of its anchors has <c>c</c> second to last (all bits set when one
    /// has a non-ASCII one or fewer than two characters), so that a run start whose two preceding characters end no
    /// anchor skips the anchor loop (sixth speed round; the loop compares that character first, so it would have found
    /// nothing).
    /// </summary>
    private readonly ulong[] _preRunSecond = new ulong[256];
    private readonly int _minRun;
    private readonly bool _hasRuleLiterals;
    private readonly bool _hasSecretLiterals;
    private readonly int _cardRule = -1;
    private readonly int _privateKeyRule = -1;
    private readonly int _gcpRule = -1;
    private readonly int _urlRule = -1;
    private readonly int _awsSecretRule = -1;
    private readonly int _assignRule = -1;
    private readonly int _wifRule = -1;

    /// <summary>The <c>aws-access-key-id</c> rule (−1 when filtered out): an access key id named by its key is left to it when it matches.</summary>
    private readonly int _awsKeyIdRule = -1;
    private readonly int _seedRule = -1;
    private readonly int _ibanRule = -1;
    private readonly int _hostRule = -1;
    private readonly int _authRule = -1;
    private readonly int _ssnRule = -1;
    private readonly int _telegramRule = -1;
    private readonly int _cookieFileRule = -1;
    private readonly int _pkcs12Rule = -1;
    private readonly int _mailchimpRule = -1;
    private readonly int _airtableRule = -1;
    private readonly int _cloudflareCaRule = -1;
    private readonly int _azureDevOpsRule = -1;
    private readonly int _keystoreRule = -1;
    private readonly int _minisignRule = -1;
    private readonly int _keytabRule = -1;
    private readonly int _teamsRule = -1;
    private readonly int _encryptedRule = -1;
    private readonly int _twilioPairRule = -1;
    private readonly int _dopplerRule = -1;
    private readonly int _braintreeRule = -1;
    private readonly int _solanaRule = -1;
    private readonly int _discordBotRule = -1;

    /// <summary>The <c>azure-ad-client-secret</c> rule (r27), checked at runs after <c>~</c> or <c>.</c>.</summary>
    private readonly int _entraSecretRule = -1;

    /// <summary>The <c>private-key-jwk</c> rule (r27), checked at runs after a quote.</summary>
    private readonly int _jwkRule = -1;
    private readonly int _githubClassicRule = -1;
    private readonly int _userPasswordRule = -1;

    /// <summary>The <c>credential-combo-line</c> rule (−1 when filtered out).</summary>
    private readonly int _comboRule = -1;
    private readonly bool _anyBackslashEscape;
    private readonly bool _spacesInSecrets;
#if NET9_0_OR_GREATER
    private readonly SearchValues<string>? _plainSecretSearch;
#endif

    private DlpEngine(TokenRuleSet rules, KnownSecret[] longSecrets, Dictionary<string, KnownSecret> shortSecrets)
    {
        Rules = rules;
        _rules = [.. rules.Rules];
        _longSecrets = longSecrets;
        _shortSecrets = shortSecrets;

        var literals = new List<Literal>();
        var preRun = new List<(string, int)>();
        var allAnchors = _rules.SelectMany(x => x.Anchors).ToHashSet(StringComparer.Ordinal);
        for (int r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            switch (rule.Trigger)
            {
                case RuleTrigger.Anchor:
                    if (rule.Id == "aws-access-key-id")
                    {
                        _awsKeyIdRule = r;
                    }

                    if (rule.Id == "doppler-token")
                    {
                        _dopplerRule = r; // DlpEngine.Deep.cs: dp.st.<config>.<body> (r30)
                    }

                    if (rule.Id == "github-pat-classic")
                    {
                        _githubClassicRule = r; // DlpEngine.StrippedPrefix.cs
                    }

                    foreach (var anchor in rule.Anchors)
                    {
                        if (RunScanner.IsTokenChar(anchor[^1]))
                        {
                            literals.Add(new Literal { Text = anchor, Kind = LiteralKind.RulePlain, Owner = r, Anchor = anchor });
                        }
                        else
                        {
                            // "SG.", "AccountKey=": the anchor ends just before the token's run starts.
                            preRun.Add((anchor, r));
                        }

                        literals.AddRange(LiteralTable.EncodedForms(anchor, isSecret: false, r));
                        foreach (var (prefix, rot13) in ObfuscatedAnchors)
                        {
                            // "sk-proj-" extends the OpenAI rule's anchor "sk-": the longer prefix is searched, the
                            // rule's matcher runs from the token's start as for the anchor itself.
                            if (prefix == anchor || (prefix.StartsWith(anchor, StringComparison.Ordinal) && !allAnchors.Contains(prefix)))
                            {
                                var rev = prefix.ToCharArray();
                                Array.Reverse(rev);
                                literals.Add(new Literal { Text = new string(rev), Kind = LiteralKind.RuleReversed, Owner = r, Anchor = anchor });
                                if (rot13)
                                {
                                    literals.Add(new Literal { Text = Rot13(prefix), Kind = LiteralKind.RuleRot13, Owner = r, Anchor = anchor });
                                }

                                if (UpperCasedPrefix(prefix) is string upper)
                                {
                                    literals.Add(new Literal { Text = upper, Kind = LiteralKind.RuleUpper, Owner = r, Anchor = anchor });
                                }

                                if (LowerCasedAwsPrefix(prefix) is string lower)
                                {
                                    literals.Add(new Literal { Text = lower, Kind = LiteralKind.RuleLower, Owner = r, Anchor = anchor });
                                }

                                literals.AddRange(CipherLiterals(prefix, r, anchor)); // DlpEngine.Ciphers.cs
                            }
                        }
                    }

                    if (rule.Id == "openai-api-key")
                    {
                        literals.Add(new Literal { Text = OpenAiMarkerLower, Kind = LiteralKind.RuleLower, Owner = r, Anchor = "sk-" }); // DlpEngine.Upper.cs
                    }

                    break;
                case RuleTrigger.NamedValue:
                    _awsSecretRule = r;
                    foreach (var anchor in rule.Anchors)
                    {
                        literals.AddRange(LiteralTable.EncodedForms(anchor, isSecret: false, r));
                    }

                    break;
                case RuleTrigger.PemHeader:
                    if (rule.Id == BuiltInRules.PrivateKeyId)
                    {
                        _privateKeyRule = r;
                        literals.AddRange(LiteralTable.EncodedForms("-----BEGIN ", isSecret: false, r));
                    }
                    else
                    {
                        _gcpRule = r;
                    }

                    break;
                case RuleTrigger.UrlAuthority:
                    _urlRule = r;
                    literals.AddRange(LiteralTable.EncodedForms("://", isSecret: false, r));
                    break;
                case RuleTrigger.DigitRun:
                    _cardRule = r;
                    break;
                case RuleTrigger.Assignment:
                    _assignRule = r;
                    break;
                case RuleTrigger.RunShape:
                    if (rule.Id == BuiltInRules.TelegramBotTokenId)
                    {
                        _telegramRule = r;
                    }
                    else if (rule.Id == BuiltInRules.DiscordBotTokenId)
                    {
                        _discordBotRule = r;
                    }
                    else if (rule.Id == BuiltInRules.AzureClientSecretId)
                    {
                        _entraSecretRule = r;
                    }
                    else if (rule.Id == BuiltInRules.JwkPrivateKeyId)
                    {
                        _jwkRule = r;
                    }
                    else if (rule.Id == BuiltInRules.CookieFileSessionId)
                    {
                        _cookieFileRule = r; // DlpEngine.Tenth.cs
                    }
                    else if (rule.Id == BuiltInRules.Pkcs12KeyStoreId)
                    {
                        _pkcs12Rule = r; // DlpEngine.Deep.cs
                    }
                    else if (rule.Id == BuiltInRules.MailchimpApiKeyId)
                    {
                        _mailchimpRule = r; // DlpEngine.Deep.cs
                    }
                    else if (rule.Id == BuiltInRules.AirtableTokenId)
                    {
                        _airtableRule = r; // DlpEngine.Deep.cs (r30)
                    }
                    else if (rule.Id == BuiltInRules.CloudflareOriginCaKeyId)
                    {
                        _cloudflareCaRule = r; // DlpEngine.Deep.cs (r30)
                    }
                    else if (rule.Id == BuiltInRules.AzureDevOpsPatId)
                    {
                        _azureDevOpsRule = r; // DlpEngine.Deep.cs (r30)
                    }
                    else if (rule.Id == BuiltInRules.EthereumKeystoreId)
                    {
                        _keystoreRule = r; // DlpEngine.Deep.cs (r32)
                    }
                    else if (rule.Id == BuiltInRules.MinisignSecretKeyId)
                    {
                        _minisignRule = r; // DlpEngine.Deep.cs (r32)
                    }
                    else if (rule.Id == BuiltInRules.KerberosKeytabId)
                    {
                        _keytabRule = r; // DlpEngine.Deep.cs (r32)
                    }
                    else if (rule.Id == BuiltInRules.TeamsWebhookId)
                    {
                        _teamsRule = r; // DlpEngine.Deep.cs (r32)
                    }
                    else if (rule.Id == BuiltInRules.PasswordEncryptedDataId)
                    {
                        _encryptedRule = r; // DlpEngine.Deep.cs (r33)
                    }
                    else if (rule.Id == BuiltInRules.TwilioAccountCredentialsId)
                    {
                        _twilioPairRule = r; // DlpEngine.Deep.cs (r33)
                    }
                    else if (rule.Id == BuiltInRules.BraintreeAccessTokenId)
                    {
                        _braintreeRule = r; // DlpEngine.Deep.cs
                    }
                    else if (rule.Id == BuiltInRules.SolanaKeypairId)
                    {
                        _solanaRule = r; // DlpEngine.Spelled.cs
                    }
                    else
                    {
                        _wifRule = r;
                    }

                    break;
                case RuleTrigger.SeedPhrase:
                    _seedRule = r;
                    break;
                case RuleTrigger.Iban:
                    _ibanRule = r;
                    break;
                case RuleTrigger.HostData:
                    _hostRule = r;
                    break;
                case RuleTrigger.AuthorizationHeader:
                    _authRule = r;
                    break;
                case RuleTrigger.NationalId:
                    _ssnRule = r;
                    break;
                case RuleTrigger.EncodedUserPassword:
                    _userPasswordRule = r;
                    break;
                case RuleTrigger.ComboLine:
                    _comboRule = r;
                    break;
            }
        }

        _hasRuleLiterals = literals.Count > 0 || preRun.Count > 0 || _awsSecretRule >= 0;
        foreach (var group in preRun.GroupBy(p => p.Item1[^1]))
        {
            _preRunByLast[group.Key] = [.. group];
            foreach (var (anchor, _) in group)
            {
                if (anchor.Length >= 2 && anchor[^2] < 128)
                {
                    _preRunSecond[(group.Key << 1) | (anchor[^2] >> 6)] |= 1UL << (anchor[^2] & 63);
                }
                else
                {
                    _preRunSecond[group.Key << 1] = _preRunSecond[(group.Key << 1) | 1] = ulong.MaxValue;
                }
            }
        }

        // The run length that every searched form must reach: 16, less for short secrets.
        int minRun = 16;
        foreach (var secret in longSecrets)
        {
            int bytes = System.Text.Encoding.UTF8.GetByteCount(secret.Value);
            minRun = Math.Min(minRun, Math.Max(8, ((8 * bytes) + 5) / 6));
        }

        _minRun = minRun;
        var otherPlain = new List<KnownSecret>();
        for (int s = 0; s < longSecrets.Length; s++)
        {
            string value = longSecrets[s].Value;
            literals.AddRange(LiteralTable.EncodedForms(value, isSecret: true, s));
            if (value.Length >= minRun && !value.AsSpan(0, minRun).ContainsAnyExcept(TokenChars))
            {
                // Token-shaped: always inside a run, so the run search finds it.
                literals.Add(new Literal { Text = value, Kind = LiteralKind.SecretPlain, Owner = s });
            }
            else
            {
                otherPlain.Add(longSecrets[s]);
            }
        }

        _otherPlainSecrets = [.. otherPlain];

        // Secrets with characters that JSON escapes (newlines, quotes, backslashes) need every backslash escape decoded;
        // secrets with spaces must not be cut into segments at spaces. Bottles without such secrets skip both costs.
        _anyBackslashEscape = longSecrets.Any(s => s.Value.AsSpan().IndexOfAny(JsonEscaped) >= 0);
        _spacesInSecrets = longSecrets.Any(s => s.Value.Contains(' ', StringComparison.Ordinal));
        _hasSecretLiterals = longSecrets.Length > 0;
        _literals = new LiteralTable(literals);
#if NET9_0_OR_GREATER
        if (_otherPlainSecrets.Length > 0)
        {
            _plainSecretSearch = SearchValues.Create(_otherPlainSecrets.Select(s => s.Value).ToArray(), StringComparison.Ordinal);
        }
#endif
    }

    private static readonly SearchValues<char> JsonEscaped = SearchValues.Create("\"\\\b\f\n\r\t");

    private static readonly SearchValues<char> TokenChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-");

    /// <summary>The token rules in force.</summary>
    public TokenRuleSet Rules { get; }

    /// <summary>Number of prefilter literals (anchors, encoded anchors and encoded secrets); for diagnostics.</summary>
    public int PrefilterLiteralCount => _literals.Count;

    /// <summary>
    /// Builds an engine for one secret set and rule set. Building costs milliseconds (encoded forms, lookup tables);
    /// build once per policy/secret change and reuse for every request.
    /// </summary>
    /// <param name="knownSecrets">The bottle's secrets. Empty values are ignored; duplicates (same value) keep the first name.</param>
    /// <param name="rules">Token rules; <see langword="null"/> for <see cref="TokenRuleSet.Default"/>.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="knownSecrets"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A secret has a null name or value (the message names the secret, never its value).</exception>
    public static DlpEngine Create(IEnumerable<KnownSecret> knownSecrets, TokenRuleSet? rules = null)
    {
        ArgumentNullException.ThrowIfNull(knownSecrets);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var longSecrets = new List<KnownSecret>();
        var shortSecrets = new Dictionary<string, KnownSecret>(StringComparer.Ordinal);
        foreach (var secret in knownSecrets)
        {
            ArgumentNullException.ThrowIfNull(secret, nameof(knownSecrets));
            if (secret.Name is null || secret.Value is null)
            {
                throw new ArgumentException($"Known secret '{secret.Name ?? "(unnamed)"}' has no {(secret.Name is null ? "name" : "value")}.", nameof(knownSecrets));
            }

            if (secret.Value.Length == 0 || !seen.Add(secret.Value))
            {
                continue;
            }

            if (secret.Value.Length >= KnownSecret.MinimumSubstringLength)
            {
                longSecrets.Add(secret);
            }
            else
            {
                shortSecrets[secret.Value] = secret;
            }
        }

        return new DlpEngine(rules ?? TokenRuleSet.Default, [.. longSecrets], shortSecrets);
    }

    /// <summary>
    /// Scans one value. Offsets in the findings index <paramref name="text"/>. For <see cref="DlpLocationKind.Query"/>
    /// a <c>+</c> is also read as a space. Whole-value equality with short known secrets is not checked here (it needs
    /// the request structure; <see cref="ScanRequest"/> does it).
    /// </summary>
    /// <param name="text">The value as sent.</param>
    /// <param name="location">Where the value comes from; copied into each finding.</param>
    /// <param name="detectors">Detectors to run.</param>
    /// <param name="findings">Receives the findings (at most <see cref="MaxFindings"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="findings"/> is null.</exception>
    public void Scan(ReadOnlySpan<char> text, DlpLocation location, DlpDetectors detectors, ICollection<DlpFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var st = new ScanState(findings, detectors) { Location = location, FormEncoded = location.Kind == DlpLocationKind.Query };
        ScanCore(text, ref st, Layer.Root, withLayers: true);
        if (text.Contains('\0'))
        {
            ScanUtf16Text(text, ref st, Layer.Opaque(0, text.Length, DlpEncodings.Utf16)); // DlpEngine.Utf16.cs: a git patch line of a UTF-16 file
            ScanUtf32Text(text, ref st, Layer.Opaque(0, text.Length, DlpEncodings.Utf32)); // DlpEngine.Utf32.cs
        }
    }

    /// <summary>
    /// Scans UTF-8 bytes (invalid UTF-8 is read as Latin-1 so every byte is still scanned). Offsets in the findings are
    /// byte offsets into <paramref name="utf8"/>.
    /// </summary>
    /// <param name="utf8">The bytes as sent.</param>
    /// <param name="location">Where they come from.</param>
    /// <param name="detectors">Detectors to run.</param>
    /// <param name="findings">Receives the findings (at most <see cref="MaxFindings"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="findings"/> is null.</exception>
    public void ScanUtf8(ReadOnlySpan<byte> utf8, DlpLocation location, DlpDetectors detectors, ICollection<DlpFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (utf8.IsEmpty || detectors == DlpDetectors.None)
        {
            return;
        }

        var local = new List<DlpFinding>();
        var st = new ScanState(local, detectors) { Location = location };
        using var text = BodyText.Decode(utf8);
        ScanCore(text.Chars, ref st, Layer.Root, withLayers: true);
        if (utf8.Contains((byte)0))
        {
            ScanUtf16Text(text.Chars, ref st, Layer.Opaque(0, text.Chars.Length, DlpEncodings.Utf16)); // DlpEngine.Utf16.cs
            ScanUtf32Text(text.Chars, ref st, Layer.Opaque(0, text.Chars.Length, DlpEncodings.Utf32)); // DlpEngine.Utf32.cs
        }

        text.ToByteOffsets(local, 0);
        foreach (var f in local)
        {
            findings.Add(f);
        }
    }

    // ---- the core scan --------------------------------------------------------------------------------------------

    /// <summary>Nothing the engine finds is shorter: the shortest is an 8-character known secret (a URL with credentials needs 9, a token 20).</summary>
    private const int MinimumFindingLength = KnownSecret.MinimumSubstringLength;

    private void ScanCore(ReadOnlySpan<char> text, ref ScanState st, in Layer layer, bool withLayers)
    {
        if (text.Length < MinimumFindingLength || st.Full)
        {
            return;
        }

        bool tokens = (st.Detectors & DlpDetectors.TokenPatterns) != 0 && _rules.Length > 0;
        bool secrets = (st.Detectors & DlpDetectors.KnownSecrets) != 0 && _longSecrets.Length > 0;
        if (!tokens && !secrets)
        {
            return;
        }

        bool deep = st.Depth < MaxDeepLayers;
        bool literals = (tokens && _hasRuleLiterals) || (secrets && _hasSecretLiterals) || deep;
        // Not in text joined from pieces of a request (DlpEncodings.Concat): numbers joined across headers or path
        // segments make card-length digit runs that were never one number.
        // Nor in a window read backwards around a reversed marker (DlpEngine.TransformedText.cs): a reversed id is Luhn-valid
        // one time in ten.
        bool cards = tokens && (_cardRule >= 0 || _ibanRule >= 0) && !string.Equals(layer.Encoding, DlpEncodings.Concat, StringComparison.Ordinal)
            && !(st.InTransformedText && layer.Encoding.EndsWith(DlpEncodings.Reversed, StringComparison.Ordinal));
        var scanner = new RunScanner(literals ? _minRun : int.MaxValue, cards, st.FormEncoded, secrets && _anyBackslashEscape);

        // The classifier also fills a bitmap of '/' positions in its pass, so that CollectDeep finds a run's path
        // pieces without searching the run again.
        int words = RunScanner.BitmapWords(text.Length);
        ulong[]? slashBits = deep ? ArrayPool<ulong>.Shared.Rent(words) : null;
        bool seeds = tokens && _seedRule >= 0 && text.Length >= ProbeStride;
        // The seed-break bitmap and, after it in the same array, the capitals' bitmap, the case-folded seed-break bitmap
        // (filled on demand) and the bits of the words filled (DlpEngine.FoldedSeeds.cs).
        int filledWords = RunScanner.BitmapWords(words);
        ulong[]? seedBreaks = seeds ? ArrayPool<ulong>.Shared.Rent((3 * words) + filledWords) : null;
        scanner.CollectBitmaps(slashBits);
        ulong lowerTop = 0;
        int nextCurl = -1; // CheckCurlUser's cursor: the first "curl " at or after its last window's start
        int spelledFloor = 0; // ScanSpelled's cursor: everything before it has been walked
        var tokenRuns = default(IntBuffer);
        var digitRuns = default(IntBuffer);
        var candidates = default(IntBuffer);
        var deepRuns = default(IntBuffer);
        int wrappedUntil = 0; // CollectDeep's: the end of the last wrapped blob collected
        var ctx = new RunContext { SlashBits = slashBits };
        var combo = new ComboTable(-1);
        bool anyRun = false; // a token run of _minRun+ characters somewhere in the text
        try
        {
            for (int pos = 0; pos < text.Length && !st.Full; pos += ChunkChars)
            {
                scanner.Scan(text, pos, Math.Min(text.Length, pos + ChunkChars), ref tokenRuns, ref digitRuns, ref candidates);
                if (seedBreaks is not null)
                {
                    RunScanner.FillSeedBreaks(text, pos, Math.Min(text.Length, pos + ChunkChars), seedBreaks.AsSpan(0, words), ref lowerTop, seedBreaks.AsSpan(words, words));
                }

                if (tokenRuns.Count > 0)
                {
                    anyRun = true;
                    if (deep)
                    {
                        CollectDeep(text, tokenRuns.Span, slashBits.AsSpan(0, words), ref deepRuns, ref wrappedUntil);
                    }

                    ScanRuns(text, tokenRuns.Span, ref st, layer, tokens, secrets, ref ctx);
                    tokenRuns.Clear();
                }

                if (digitRuns.Count > 0)
                {
                    if (tokens)
                    {
                        ScanCards(text, digitRuns.Span, ref st, layer);
                    }

                    digitRuns.Clear();
                }

                if (candidates.Count > 0)
                {
                    if (tokens)
                    {
                        ScanCandidates(text, candidates.Span, ref st, layer, ref nextCurl, ref spelledFloor);
                    }

                    candidates.Clear();
                }

                if (tokens && _comboRule >= 0)
                {
                    ScanComboLines(text, pos, Math.Min(text.Length, pos + ChunkChars), ref st, layer, ref combo); // DlpEngine.ComboLines.cs
                }
            }

            if (tokens && (_assignRule >= 0 || _ssnRule >= 0) && !st.Full)
            {
                ScanAssignments(text, ref st, layer);
            }

            if (tokens && _assignRule >= 0 && !st.Full)
            {
                ScanShortOptions(text, ref st, layer); // DlpEngine.Deep.cs: mysql -p'Summer2024!', docker login -p Winter#2023 (r27)
            }

            // Only in a text that holds a token run or an '=': what a reversed / ROT13 marker leads to is a key's lines, a
            // JWT, a value of 16+ characters or an assignment (DB_PASSWORD=…), and prose without either is spared the pass.
            if (tokens && withLayers && deep && (anyRun || text.Contains('=')) && !st.InTransformedText && !st.Full)
            {
                ScanTransformedText(text, ref st, layer); // DlpEngine.TransformedText.cs: a PEM key, .env file or JWT reversed / in ROT13 (r28)
            }

            if (tokens && deep && !st.Full)
            {
                ScanShortPieces(text, ref st, layer); // DlpEngine.ShortPieces.cs: ["ghp_Rb7W", "DMMR0bjI", …], A=AKIA … $A$B
            }

            if ((deep || seeds) && text.Length >= ProbeStride && !st.Full)
            {
                var folded = seeds ? new FoldedBits(text, seedBreaks.AsSpan(words, words), seedBreaks.AsSpan(2 * words, words), seedBreaks.AsSpan(3 * words, filledWords)) : default;
                ProbeScan(text, ref st, layer, deep, seedBreaks.AsSpan(0, seeds ? words : 0), ref folded);
            }

            if (deep && !st.Full)
            {
                ScanRot47Layer(text, ref st, layer); // DlpEngine.Ciphers.cs: one compare unless the layer starts like ROT47 of a key
            }

            if (deep && !st.Full)
            {
                ScanMarkedEncodings(text, ref st, layer); // DlpEngine.Decoders.cs: one search for "<~" or "&#"
                ScanBlobLayer(text, ref st, layer); // DlpEngine.Base85.cs: is the first line base85, Ascii85 or uuencode?
            }

            if (deepRuns.Count > 0 && !st.Full)
            {
                ScanDeep(text, deepRuns.Span, ref st, layer);
            }
        }
        finally
        {
            tokenRuns.Dispose();
            digitRuns.Dispose();
            candidates.Dispose();
            deepRuns.Dispose();
            ctx.Dispose();
            if (slashBits is not null)
            {
                ArrayPool<ulong>.Shared.Return(slashBits);
            }

            if (seedBreaks is not null)
            {
                ArrayPool<ulong>.Shared.Return(seedBreaks);
            }
        }

        if (secrets && _otherPlainSecrets.Length > 0)
        {
            ScanPlainSecrets(text, ref st, layer);
        }

        if (withLayers && scanner.FirstTrigger >= 0)
        {
            ScanLayers(text, scanner.FirstTrigger, ref st, layer);
        }
    }

    /// <summary>Can an anchor of <see cref="_preRunByLast"/> end with <paramref name="second"/>, <paramref name="last"/> (ASCII)? See <see cref="_preRunSecond"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool PreRunPossible(char last, char second)
    {
        int c = Math.Min((int)second, 127);
        return ((_preRunSecond[(last << 1) | (c >> 6)] >> (c & 63)) & 1) != 0;
    }

    /// <summary>The ASCII letters: a token run of only these, 36–192 long, may be a BIP-39 phrase without separators (<see cref="CryptoRules.ConcatenatedPhrase"/>).</summary>
    private static readonly SearchValues<char> s_asciiLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Characters of the shortest BIP-39 phrase joined inside one token run: 12 words of 3 letters and 11 separators (<see cref="CryptoRules.JoinedPhrase"/>).</summary>
    private const int JoinedPhraseMinChars = (12 * 3) + 11;

    private void ScanRuns(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ref ScanState st, in Layer layer, bool tokens, bool secrets, ref RunContext ctx)
    {
        if (tokens)
        {
            // O(1) checks at each run start: anchors that end just before a token's run, and named 40-char values.
            for (int r = 0; r < runs.Length; r += 2)
            {
                int rs = runs[r];
                if (rs > 1 && !RunScanner.IsTokenChar(text[rs - 1]) && text[rs - 1] < 128 && PreRunPossible(text[rs - 1], text[rs - 2]))
                {
                    char before = text[rs - 1];
                    foreach (var (anchor, rule) in _preRunByLast[before] ?? []) // before < 128: tested above
                    {
                        int a = rs - anchor.Length;
                        if (a >= 0 && text[rs - 2] == anchor[^2] && text[a..rs].SequenceEqual(anchor) && _rules[rule].Matcher(text, a, out int s, out int len))
                        {
                            ReportRule(ref st, layer, _rules[rule], s, len, DlpEncodings.Plain, anchor, len, _rules[rule].Validates(text.Slice(s, len)));
                        }
                    }
                }

                if (_entraSecretRule >= 0 && rs > 5 && text[rs - 1] is '~' or '.' && BuiltInRules.EntraClientSecretBefore(text, rs, out int es, out int el))
                {
                    ReportRule(ref st, layer, _rules[_entraSecretRule], es, el, DlpEncodings.Plain, "Q~", el); // BuiltInRules.Vendors.cs: xxx8Q~… (r27)
                }

                if (_assignRule >= 0 && rs > 6 && text[rs - 1] is '$' or ' ' or '.' or '\t')
                {
                    CheckRunContext(text, rs, ref st, layer); // DlpEngine.Deep.cs: crypt hashes, "Bearer <credential>" as text, positional passwords (r26)
                }

                if (_assignRule >= 0 && (rs > 8 ? KeyBeforeRun(text, rs) : rs > 2 && KeyBeforeRunNearStart(text, rs)))
                {
                    CheckKeyRun(text, rs, runs[r + 1], ref st, layer); // DlpEngine.Deep.cs: APP_KEY=, ENCRYPTION_KEY=, a SAS URL's sig=
                }

                if (_assignRule >= 0 && rs > 6 && TenthRunStartPossible(text, rs))
                {
                    TenthRunStart(text, rs, runs[r + 1], ref st, layer); // DlpEngine.Tenth.cs: .pgpass, …_CREDENTIALS=, {SHA}
                }

                if (rs > 3 && text[rs - 1] is '"' or '\'' && text[rs - 2] is ' ' or '+' or '\\')
                {
                    ConcatenationBefore(text, rs, ref st, layer); // DlpEngine.Decoders.cs: "…" + "…"
                    if (_assignRule >= 0 && rs > 6 && text[rs - 2] == ' ' && text[rs - 4] == '-' && text[rs - 5] == ' ')
                    {
                        CheckQuotedOption(text, rs - 5, ref st, layer); // DlpEngine.Deep.cs: redis-cli -a '…', ldapsearch -w "…"
                    }
                    else if (_assignRule >= 0 && rs > 7 && text[rs - 2] == '\\' && (text[rs - 3] == ' ' ? text[rs - 5] == '-' && text[rs - 6] == ' ' : text[rs - 3] is 'p' or 'P' && text[rs - 4] == '-' && text[rs - 5] == ' '))
                    {
                        CheckQuotedOption(text, text[rs - 3] == ' ' ? rs - 6 : rs - 5, ref st, layer); // the same inside a JSON string: -a \"…\", -p\"…\"
                    }
                    else if (_assignRule >= 0 && rs > 16 && text[rs - 1] == '\'' && text[rs - 2] == ' ' && (text[rs - 3] | 0x20) == 'y' && (text[rs - 4] | 0x20) == 'b' && text[rs - 5] == ' ')
                    {
                        CheckIdentifiedBy(text, rs, ref st, layer); // DlpEngine.Deep.cs: MySQL's IDENTIFIED BY '…'
                    }
                    else if (_assignRule >= 0 && rs > 10 && (text[rs - 2] == ' ' ? SecureStringParameterEndsAt(text, rs - 3)
                        : text[rs - 2] == '\\' && text[rs - 3] == ' ' && SecureStringParameterEndsAt(text, rs - 4)))
                    {
                        CheckSecureString(text, rs, ref st, layer); // DlpEngine.Deep.cs: ConvertTo-SecureString "…" -AsPlainText (also \"…\" in JSON)
                    }
                    else if (_assignRule >= 0 && rs > 8 && (text[rs - 2] == ' ' || (text[rs - 2] == '\\' && text[rs - 3] == ' ')))
                    {
                        CheckPositional(text, text[rs - 2] == ' ' ? rs - 1 : rs - 2, ref st, layer); // DlpEngine.Deep.cs: net user NAME '…', plink -pw "…" (r26)
                    }
                }
                else if (_assignRule >= 0 && rs > 6 && text[rs - 1] is '"' or '\'' && text[rs - 2] is 'p' or 'P' && text[rs - 3] == '-' && text[rs - 4] == ' ')
                {
                    CheckQuotedOption(text, rs - 4, ref st, layer); // mysql -p'…'
                }
                else if (runs[r + 1] + 3 < text.Length && text[runs[r + 1]] is '"' or '\'' or '\\' && text[runs[r + 1] + 1] is ' ' or '+' or '"' or '\'')
                {
                    ConcatenationAfter(text, runs[r + 1], ref st, layer);
                }

                if (_urlRule >= 0 && runs[r + 1] + 5 < text.Length && text[runs[r + 1]] == '@' && BuiltInRules.GoMySqlDsn(text, runs[r + 1], out int ds, out int dl))
                {
                    ReportRule(ref st, layer, _rules[_urlRule], ds, dl, DlpEncodings.Plain, "user:***@", 0); // user:password@tcp(…) (twelfth red-team round)
                }

                if (rs > 3 && text[rs - 1] is '"' or '=' or '?')
                {
                    char b = text[rs - 1];
                    if (b == '"')
                    {
                        JsonSplitBeforeRun(text, rs, runs[r + 1], ref st, layer); // DlpEngine.Joins.cs: ["ghp_", "Ab…"]
                        if (_jwkRule >= 0 && rs > 4 && text[rs - 2] is ':' or ' ' or '\\' or '\t' or '\n' && BuiltInRules.JwkPrivateMember(text, rs, runs[r + 1], out int js, out int jl))
                        {
                            ReportRule(ref st, layer, _rules[_jwkRule], js, jl, DlpEncodings.Plain, "\"d\": ", jl); // BuiltInRules.Vendors.cs: {"kty": …, "d": "…"} (r27)
                        }
                    }
                    else if (b == '=' ? rs + 1 < text.Length && char.IsAsciiHexDigit(text[rs]) && char.IsAsciiHexDigit(text[rs + 1])
                        : (text[rs - 2] | 0x20) == 'q' && text[rs - 3] == '?')
                    {
                        CheckEncodedWord(text, rs, ref st, layer, ref ctx); // DlpEngine.Joins.cs: =?UTF-8?Q?ghp=5FAb…?=
                    }
                }

                // (r36: a run right after a JSON escape's letter, "Seed:\nabandon-ability-…", starts past it)
                if (_seedRule >= 0 && runs[r + 1] - rs >= JoinedPhraseMinChars
                    && CryptoRules.JoinedPhraseStart(text, text[rs] is 'n' or 't' or 'r' && TextDecoders.IsEscapeLetterAt(text, rs) ? rs + 1 : rs, runs[r + 1])
                    && CryptoRules.JoinedPhrase(text, rs, runs[r + 1], out int ps, out int pl, out bool pv))
                {
                    ReportRule(ref st, layer, _rules[_seedRule], ps, pl, DlpEncodings.Plain, "seed phrase of BIP-39 words (joined by - _ /)", 0, pv); // CryptoRules.Joined.cs
                }

                if (_seedRule >= 0 && runs[r + 1] - rs is >= CryptoRules.ConcatenatedPhraseMinChars and <= CryptoRules.ConcatenatedPhraseMaxChars
                    && char.IsAsciiLetter(text[rs]) && !text[rs..runs[r + 1]].ContainsAnyExcept(s_asciiLetters) && CryptoRules.ConcatenatedPhrase(text[rs..runs[r + 1]]))
                {
                    ReportRule(ref st, layer, _rules[_seedRule], rs, runs[r + 1] - rs, DlpEncodings.Plain, "seed phrase of BIP-39 words (concatenated or CamelCase)", 0); // CryptoRules.Unseparated.cs
                }

                if (runs[r + 1] - rs >= 15 && (_wifRule >= 0 || _ibanRule >= 0 || _telegramRule >= 0 || _discordBotRule >= 0))
                {
                    // r32: a run right after a JSON string's \n / \t starts past the escape's letter ("key:\n5HueCGU8…",
                    // "IBAN:\nDE89…"); the checks before this one read such runs themselves (cookie files, PKCS#12)
                    int shapeStart = rs > 0 && text[rs] is 'n' or 'r' or 't' && TextDecoders.IsEscapeLetterAt(text, rs) ? rs + 1 : rs;
                    if (runs[r + 1] - shapeStart >= 15)
                    {
                        CheckRunShapes(text, shapeStart, runs[r + 1], ref st, layer);
                    }
                }

                if (_ibanRule >= 0 && runs[r + 1] - rs >= CryptoRules.IbanMinChars + 2 && ctx.SlashBits is { } slashes && RunScanner.NextBit(slashes, rs, runs[r + 1] - CryptoRules.IbanMinChars) is int slash and >= 0)
                {
                    CheckIbanAfterSlashes(text, slash, runs[r + 1], slashes, ref st, layer); // DlpEngine.Deep.cs: /u/GB82WEST…
                }

                if (runs[r + 1] - rs == GitHubBodyLength && _githubClassicRule >= 0 && text[rs + 8] != '-' && st.Location.Kind == DlpLocationKind.Body)
                {
                    CheckPrefixlessGitHubBody(text, rs, ref st, layer); // DlpEngine.StrippedPrefix.cs: ghp_'s 36 characters alone
                }

                if (_awsSecretRule >= 0 && runs[r + 1] - rs == 40
                    && (BuiltInRules.AwsSecretFromValue(text, rs, out int vs, out int vl) || BuiltInRules.AwsDocumentationSecret(text, rs, out vs, out vl)))
                {
                    ReportRule(ref st, layer, _rules[_awsSecretRule], vs, vl, DlpEncodings.Plain, "aws_secret_access_key = ", vl, _rules[_awsSecretRule].Validates(text.Slice(vs, vl)));
                }
            }
        }

        int run = 0, i = 0;
        while (_literals.FindNext(text, runs, ref run, ref i, out var candidates) >= 0)
        {
            int rs = runs[run], re = runs[run + 1];
            foreach (var lit in candidates!)
            {
                int at = i - lit.KeyOffset;
                if (at >= 0 && text[at..].StartsWith(lit.Text, StringComparison.Ordinal))
                {
                    HandleLiteral(text, at, lit, rs, re, ref st, layer, tokens, secrets, ref ctx);
                }
            }

            if (st.Full)
            {
                return;
            }

            i++;
        }
    }

    private void ScanCandidates(ReadOnlySpan<char> text, ReadOnlySpan<int> candidates, ref ScanState st, in Layer layer, ref int nextCurl, ref int spelledFloor)
    {
        for (int c = 0; c < candidates.Length && !st.Full; c += 2)
        {
            int i = candidates[c + 1];
            if (candidates[c] == Candidate.Spelled)
            {
                if (st.Depth < MaxDeepLayers)
                {
                    ScanSpelled(text, i, ref st, layer, ref spelledFloor); // DlpEngine.Spelled.cs
                }
            }
            else if (candidates[c] == Candidate.UrlAuthority)
            {
                if (_urlRule >= 0 && text[i..].StartsWith("://", StringComparison.Ordinal) && _rules[_urlRule].Matcher(text, i, out int s, out int len))
                {
                    ReportRule(ref st, layer, _rules[_urlRule], s, len, DlpEncodings.Plain, "user:***@", 0);
                }

                if (_assignRule >= 0)
                {
                    CheckCurlUser(text, i, ref st, layer, ref nextCurl); // DlpEngine.Deep.cs
                }
            }
            else if ((_privateKeyRule >= 0 || _gcpRule >= 0) && PemAt(text, i, out int s, out int len, out bool gcp))
            {
                if (gcp && _gcpRule >= 0)
                {
                    ReportRule(ref st, layer, _rules[_gcpRule], s, len, DlpEncodings.Plain, "\"private_key\": \"-----BEGIN PRIVATE KEY-----", 0);
                }
                else if (_privateKeyRule >= 0)
                {
                    ReportRule(ref st, layer, _rules[_privateKeyRule], s, len, DlpEncodings.Plain, PemLabel(text, i), 0, BuiltInRules.PrivateKeyValidator(text.Slice(s, len)));
                }
            }
        }
    }

    /// <summary>
    /// Anchors also searched reversed and in ROT13 (issue 16, fourth round): the prefixes of the most common
    /// credentials, each 4+ characters so that the reversed or rotated literal is rare in ordinary runs. A literal costs
    /// nothing per position (the trigram Bloom filter's cost does not grow with the number of literals).
    /// A prefix may extend a rule's anchor (<c>sk-proj-</c> for the OpenAI rule's <c>sk-</c>: before the fifth round
    /// it was listed but never searched, as no rule has it as an anchor). <c>hf_</c> is searched reversed only: its
    /// ROT13 form <c>us_</c> is an ordinary word piece (<c>status_</c>). Since the eleventh round those with a lower-case
    /// letter and 4+ characters are also searched upper-cased (<see cref="HandleUpperCased"/>).
    /// </summary>
    private static readonly (string Prefix, bool Rot13)[] ObfuscatedAnchors =
    [
        ("ghp_", true), ("gho_", true), ("ghu_", true), ("ghs_", true), ("ghr_", true), ("github_pat_", true), ("AKIA", true), ("ASIA", true),
        ("sk_live_", true), ("sk_test_", true), ("rk_live_", true), ("sk-ant-", true), ("sk-proj-", true), ("sk-svcacct-", true), ("sk-admin-", true),
        ("xoxb-", true), ("xoxp-", true), ("AIza", true), ("glpat-", true), ("npm_", true), ("hf_", false),
    ];

    /// <summary>ROT13: the Caesar shift by 13, its own inverse (<see cref="Substitute"/>, DlpEngine.Ciphers.cs).</summary>
    private static string Rot13(ReadOnlySpan<char> s) => Substitute(s, 13);

    /// <summary>The most characters of a run a reversed or ROT13 hit undoes: longer than every token of <see cref="ObfuscatedAnchors"/>.</summary>
    private const int ObfuscatedWindow = 256;

    /// <summary>A reversed or ROT13 anchor at <paramref name="i"/> in the run <paramref name="rs"/> … <paramref name="re"/>: undo the transform on a window of the run (<see cref="ObfuscatedWindow"/>) and run the rule's matcher there.</summary>
    private void HandleObfuscated(ReadOnlySpan<char> text, int i, Literal lit, int rs, int re, ref ScanState st, in Layer layer)
    {
        bool reversed = lit.Kind == LiteralKind.RuleReversed;
        string plain;
        int at, ws, we;
        if (reversed)
        {
            // The token lies before the reversed anchor's end; one character after it is its start boundary.
            int end = i + lit.Text.Length;
            (ws, we) = (Math.Max(rs, end - ObfuscatedWindow), Math.Min(re, end + 1));
            var chars = text[ws..we].ToArray();
            Array.Reverse(chars);
            plain = new string(chars);
            at = we - end;
        }
        else
        {
            (ws, we) = (Math.Max(rs, i - 1), Math.Min(re, i + ObfuscatedWindow));
            plain = Rot13(text[ws..we]);
            at = i - ws;
        }

        var rule = _rules[lit.Owner];
        if (rule.Trigger == RuleTrigger.Anchor && rule.Matcher(plain, at, out int s, out int len))
        {
            int start = reversed ? we - (s + len) : ws + s;
            ReportRule(ref st, layer, rule, start, len, reversed ? DlpEncodings.Reversed : DlpEncodings.Rot13, lit.Anchor!, len, rule.Validates(plain.AsSpan(s, len)));
        }
    }

    private void HandleLiteral(ReadOnlySpan<char> text, int i, Literal lit, int rs, int re, ref ScanState st, in Layer layer, bool tokens, bool secrets, ref RunContext ctx)
    {
        switch (lit.Kind)
        {
            case LiteralKind.RuleReversed:
            case LiteralKind.RuleRot13:
                if (tokens && i >= ctx.ObfuscatedSkipUntil)
                {
                    ctx.ObfuscatedSkipUntil = Math.Min(i + ObfuscatedWindow, re); // within this run only
                    HandleObfuscated(text, i, lit, rs, re, ref st, layer);
                }

                return;

            case LiteralKind.RuleCipher:
            case LiteralKind.RuleDoubled:
            case LiteralKind.RuleReversedBase64:
                if (tokens)
                {
                    HandleCipher(text, i, lit, rs, re, ref st, layer, ref ctx); // DlpEngine.Ciphers.cs: bounded per hit, no shared skip window
                }

                return;

            case LiteralKind.RuleUpper:
                if (tokens && i >= ctx.ObfuscatedSkipUntil)
                {
                    ctx.ObfuscatedSkipUntil = Math.Min(i + ObfuscatedWindow, re); // within this run only
                    HandleUpperCased(text, i, lit, rs, re, ref st, layer);
                }

                return;

            case LiteralKind.RuleLower:
                if (tokens)
                {
                    HandleLowerCasedAwsKeyId(text, i, lit, rs, re, ref st, layer); // DlpEngine.Upper.cs: akia…, aiza…, sk-…t3blbkfj… lower-cased (a DNS label)
                }

                return;

            case LiteralKind.RulePlain:
                {
                    if (!tokens || i < ctx.RuleSkipUntil)
                    {
                        return;
                    }

                    var rule = _rules[lit.Owner];
                    if (rule.Matcher(text, i, out int s, out int len)
                        || (rule.Glued is not null && BuiltInRules.GluedMatch(rule, text, i, out s, out len))) // BuiltInRules.Glued.cs: xghp_…, lsk-ant-…
                    {
                        bool valid = rule.Validates(text.Slice(s, len));
                        if (!IsDigestValue(text, s, len) // DlpEngine.Digests.cs: sha256=glc_… in a wheel RECORD
                            && (valid || !IsShortFormInJoin(rule, layer)))
                        {
                            ReportRule(ref st, layer, rule, s, len, DlpEncodings.Plain, lit.Anchor!, len, valid);
                        }

                        ctx.RuleSkipUntil = s + len;
                    }
                    else if (i == rs && rs > 0 && text[rs - 1] == '"')
                    {
                        JsonSplitAfterAnchor(text, i, rs, re, ref st, layer); // DlpEngine.Joins.cs: {"a": "ghp_Ab…", "b": "Cd…"}
                    }

                    if (st.Depth < MaxDeepLayers && re - i < ChunkAnchorReach && !st.Full)
                    {
                        ScanChunks(text, i, 0, ref st, layer); // DlpEngine.Chunks.cs: ghp_-R4nd-0mT0-…, folded lines
                    }

                    return;
                }

            case LiteralKind.SecretPlain:
                if (secrets)
                {
                    ReportSecret(ref st, layer, _longSecrets[lit.Owner], i, lit.Text.Length, DlpEncodings.Plain);
                }

                return;

            case LiteralKind.RuleBase64:
            case LiteralKind.RuleHex:
                {
                    if (!tokens)
                    {
                        return;
                    }

                    bool hex = lit.Kind == LiteralKind.RuleHex;
                    var (segStart, segEnd) = hex ? ctx.HexSegment(text, i) : ctx.Base64Segment(text, i, rs, re);
                    if (ctx.AlreadyReported(lit.Owner, isSecret: false, segStart))
                    {
                        return;
                    }

                    int q = hex ? i : i - lit.CoreOffset;
                    if (q < segStart)
                    {
                        return;
                    }

                    var decoded = ctx.Decode(text, segStart, segEnd, q, hex, out int dpos);
                    if (dpos < 0)
                    {
                        return;
                    }

                    dpos += hex ? 0 : lit.Alignment;
                    if (!hex && dpos == 0 && AnchorContinuesWrappedLine(text, segStart, q))
                    {
                        return; // DlpEngine.Digests.cs: the decoded prefix continues a word of the line before
                    }

                    if (dpos + (lit.Anchor?.Length ?? 0) > decoded.Length)
                    {
                        return; // the window ends inside the anchor (matchers index past it)
                    }

                    // The base64 core of an anchor fixes only some bits of its first and last characters (the core of
                    // "hf_" also matches "hfZ", whose high bits are the same): the decoded anchor must be there whole,
                    // since matchers start past it.
                    if (!hex && lit.Anchor is { } whole && !decoded[dpos..].StartsWith(whole, StringComparison.Ordinal))
                    {
                        return;
                    }

                    var rule = _rules[lit.Owner];
                    int ds = 0, dl = 0;
                    bool match = rule.Trigger switch
                    {
                        RuleTrigger.PemHeader => PemAt(decoded, dpos, out _, out _, out _),
                        _ => rule.Matcher(decoded, dpos, out ds, out dl)
                            || (rule.Glued is not null && BuiltInRules.GluedMatch(rule, decoded, dpos, out ds, out dl)), // "x"+token encoded
                    };
                    if (match)
                    {
                        int spanEnd = hex ? segEnd : WithPadding(text, segEnd);
                        string enc = hex ? DlpEncodings.Hex : SegmentIsUrlSafe(text, segStart, segEnd) ? DlpEncodings.Base64Url : DlpEncodings.Base64;
                        ReportRule(ref st, layer, rule, segStart, spanEnd - segStart, enc, lit.Anchor!, spanEnd - segStart, rule.Validates(decoded.Slice(ds, dl)));
                        ctx.MarkReported(lit.Owner, isSecret: false, segStart);
                    }

                    return;
                }

            case LiteralKind.SecretBase64:
            case LiteralKind.SecretHex:
                {
                    if (!secrets)
                    {
                        return;
                    }

                    bool hex = lit.Kind == LiteralKind.SecretHex;
                    var (segStart, segEnd) = hex ? ctx.HexSegment(text, i) : ctx.Base64Segment(text, i, rs, re);
                    if (ctx.AlreadyReported(lit.Owner, isSecret: true, segStart))
                    {
                        return;
                    }

                    int spanEnd = hex ? segEnd : WithPadding(text, segEnd);
                    string enc = hex ? DlpEncodings.Hex : SegmentIsUrlSafe(text, segStart, segEnd) ? DlpEncodings.Base64Url : DlpEncodings.Base64;
                    ReportSecret(ref st, layer, _longSecrets[lit.Owner], segStart, spanEnd - segStart, enc);
                    ctx.MarkReported(lit.Owner, isSecret: true, segStart);
                    return;
                }
        }
    }

    private static int WithPadding(ReadOnlySpan<char> text, int end)
    {
        int e = end;
        while (e < text.Length && e - end < 2 && text[e] == '=')
        {
            e++;
        }

        return e;
    }

    private static bool SegmentIsUrlSafe(ReadOnlySpan<char> text, int s, int e) => text[s..e].IndexOfAny('-', '_') >= 0;

    private void ScanCards(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ref ScanState st, in Layer layer)
    {
        for (int r = 0; r < runs.Length && !st.Full; r += 2)
        {
            int pos = runs[r], end = runs[r + 1];
            if (_ibanRule >= 0)
            {
                CheckGroupedIban(text, pos, ref st, layer);
                CheckSplitIban(text, pos, end, ref st, layer); // DlpEngine.Deep.cs: "DE89" in one field, the digits in the next
            }

            if (end - pos == 11 && _ssnRule >= 0 && text[pos + 3] is '-' or ' ' && text[pos + 6] == text[pos + 3])
            {
                CheckDashedSsn(text, pos, ref st, layer); // DlpEngine.Deep.cs (r32): "tax_id": "491-90-6819", a list of bare SSNs
                continue;
            }

            if (st.Depth < MaxDeepLayers && (text[pos] is '0' or '1' || end - pos >= DecimalMinDigits))
            {
                ScanNumberRun(text, pos, end, ref st, layer); // DlpEngine.Numbers.cs: bits, or one integer in decimal
            }

            if (_cardRule < 0)
            {
                continue;
            }

            var rule = _rules[_cardRule];
            while (pos < end && BuiltInRules.FindCards(text, pos, end, out int s, out int len))
            {
                int digits = 0;
                foreach (char c in text.Slice(s, len))
                {
                    digits += char.IsAsciiDigit(c) ? 1 : 0;
                }

                ReportRule(ref st, layer, rule, s, len, DlpEncodings.Plain, $"card number of {digits} digits starting with {text[s]}", 0);
                pos = s + len;
            }
        }
    }

    private static bool PemAt(ReadOnlySpan<char> text, int i, out int start, out int length, out bool gcp)
    {
        gcp = false;
        if (!BuiltInRules.IsPemBegin(text, i) || !BuiltInRules.PrivateKeyMatcher(text, i, out start, out length))
        {
            start = length = 0;
            return false;
        }

        gcp = BuiltInRules.IsGcpServiceAccountContext(text, i);
        return true;
    }

    private static string PemLabel(ReadOnlySpan<char> text, int i)
    {
        int close = text.Slice(i + 11, Math.Min(48, text.Length - i - 11)).IndexOf("-----", StringComparison.Ordinal);
        return close < 0 ? "-----BEGIN … PRIVATE KEY-----" : "-----BEGIN " + text.Slice(i + 11, close).ToString().Replace('+', ' ') + "-----";
    }

    private void ScanPlainSecrets(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
#if NET9_0_OR_GREATER
        int i = 0;
        while (i < text.Length && !st.Full)
        {
            int k = text[i..].IndexOfAny(_plainSecretSearch!);
            if (k < 0)
            {
                return;
            }

            i += k;
            var rest = text[i..];
            foreach (var secret in _otherPlainSecrets)
            {
                if (rest.StartsWith(secret.Value, StringComparison.Ordinal))
                {
                    ReportSecret(ref st, layer, secret, i, secret.Value.Length, DlpEncodings.Plain);
                }
            }

            i++;
        }
#else
        foreach (var secret in _otherPlainSecrets)
        {
            int i = 0;
            while (i < text.Length && !st.Full)
            {
                int k = text[i..].IndexOf(secret.Value, StringComparison.Ordinal);
                if (k < 0)
                {
                    break;
                }

                i += k;
                ReportSecret(ref st, layer, secret, i, secret.Value.Length, DlpEncodings.Plain);
                i++;
            }
        }
#endif
    }

    // ---- normalisation layers -------------------------------------------------------------------------------------

    private static readonly SearchValues<char> s_layerTriggers = SearchValues.Create("%\\");
    private static readonly SearchValues<char> s_layerTriggersForm = SearchValues.Create("%\\+");

    /// <summary>Characters that end a segment for the normalisation layers: whitespace, quotes (not escaped ones), angle brackets, backticks.</summary>
    private bool IsSegmentDelimiter(ReadOnlySpan<char> text, int i) => text[i] switch
    {
        '\t' or '\r' or '\n' or '\f' or '\v' or '\'' or '<' or '>' or '`' => true,
        ' ' => !_spacesInSecrets,
        '"' => i == 0 || text[i - 1] != '\\',
        _ => false,
    };

    private void ScanLayers(ReadOnlySpan<char> text, int firstTrigger, ref ScanState st, in Layer parent)
    {

        var triggers = st.FormEncoded ? s_layerTriggersForm : s_layerTriggers;
        int nextAscii = -2, nextNonAscii = -2;
        int pos = firstTrigger, floor = 0, interleavedUntil = 0;
        while (pos < text.Length && !st.Full)
        {
            if (nextAscii != -1 && nextAscii < pos)
            {
                int k = text[pos..].IndexOfAny(triggers);
                nextAscii = k < 0 ? -1 : pos + k;
            }

            if (nextNonAscii != -1 && nextNonAscii < pos)
            {
                int k = text[pos..].IndexOfAnyExceptInRange('\0', '\u007F');
                nextNonAscii = k < 0 ? -1 : pos + k;
            }

            int t = nextAscii < 0 ? nextNonAscii : nextNonAscii < 0 ? nextAscii : Math.Min(nextAscii, nextNonAscii);
            if (t < 0)
            {
                return;
            }

            // r32: the first non-ASCII character of a stretch that recurs, identical, after each of the next two token
            // characters ("g🔥h🔥p🔥_…"): a few compares (DlpEngine.SymbolInterleaved.cs).
            if (t == nextNonAscii && t >= interleavedUntil && SymbolInterleavedAt(text, t, out int width))
            {
                interleavedUntil = ScanSymbolInterleaved(text, t, width, ref st, parent);
            }

            // Step through consecutive candidate characters inline ("%%%%", "\\\\", non-ASCII text) rather than
            // searching again after each one.
            bool allEscapes = _anyBackslashEscape && (st.Detectors & DlpDetectors.KnownSecrets) != 0;
            while (t < text.Length && !IsRealTrigger(text, t, st.FormEncoded, allEscapes) && (text[t] is '%' or '\\' or '+' || text[t] >= 0x80))
            {
                t++;
            }

            if (t >= text.Length || !IsRealTrigger(text, t, st.FormEncoded, allEscapes))
            {
                pos = t;
                continue;
            }

            int ss = t;
            while (ss > floor && !IsSegmentDelimiter(text, ss - 1))
            {
                ss--;
            }

            int se = t + 1;
            while (se < text.Length && !IsSegmentDelimiter(text, se))
            {
                se++;
            }

            if (text[t] == '\\' && se < text.Length && text[se] == ' ' && IsNonAsciiUEscape(text, t))
            {
                WidenToJsonString(text, ref ss, ref se, floor); // r32: "contrase\u00f1a: g4JZ…" (Python's json.dumps escapes every non-ASCII character)
            }
            else if (text[t] == '\\' && ss > floor && text[ss - 1] == '"' && se < text.Length && text[se] == '"' && text[t + 1] == 'u')
            {
                WidenKeyToValue(text, ref ss, ref se); // r33: {"\u0070assword": "…"}: the escaped key and its value in one segment
            }

            DecodeSegment(text, ss, se, ref st, parent);
            pos = floor = se;
        }
    }

    /// <summary>Is the backslash at <paramref name="t"/> a JSON <c>\uXXXX</c> escape (RFC 8259 §7) of a character outside ASCII?</summary>
    private static bool IsNonAsciiUEscape(ReadOnlySpan<char> text, int t) =>
        t + 5 < text.Length && text[t + 1] == 'u' && (text[t + 2] != '0' || text[t + 3] != '0' || text[t + 4] is not ('0' or '1' or '2' or '3' or '4' or '5' or '6' or '7'))
        && char.IsAsciiHexDigit(text[t + 2]) && char.IsAsciiHexDigit(text[t + 3]) && char.IsAsciiHexDigit(text[t + 4]) && char.IsAsciiHexDigit(text[t + 5]);

    /// <summary>
    /// Widens the segment [<paramref name="ss"/>, <paramref name="se"/>) to the whole JSON string around it: from just
    /// after the unescaped <c>"</c> before it to the unescaped <c>"</c> after it, each within
    /// <see cref="JsonStringWiden"/> characters, on one line and not before <paramref name="floor"/>; unchanged when
    /// either quote is not found. A JSON writer that escapes every character outside ASCII (Python's <c>json.dumps</c>
    /// by default, <c>ensure_ascii=True</c>) turns <c>contraseña: g4JZ…</c> into <c>contrase\u00f1a: g4JZ…</c>; the
    /// escape layer decodes a segment between blanks, so the label and its value would land in two segments and the
    /// assignment pass would see neither whole (r32 round).
    /// </summary>
    private static void WidenToJsonString(ReadOnlySpan<char> text, ref int ss, ref int se, int floor)
    {
        int a = ss;
        while (a > floor && ss - a < JsonStringWiden && !(text[a - 1] == '"' && (a < 2 || text[a - 2] != '\\')) && text[a - 1] is not ('\n' or '\r'))
        {
            a--;
        }

        int b = se;
        while (b < text.Length && b - se < JsonStringWiden && !(text[b] == '"' && text[b - 1] != '\\') && text[b] is not ('\n' or '\r'))
        {
            b++;
        }

        if (a > floor && a > 0 && text[a - 1] == '"' && b < text.Length && text[b] == '"')
        {
            ss = a;
            se = b;
        }
    }

    /// <summary>
    /// Widens the segment [<paramref name="ss"/>, <paramref name="se"/>), a whole JSON string (its quotes at
    /// <paramref name="ss"/> − 1 and <paramref name="se"/>), to the member it names when it is an object's key: from its
    /// opening quote through the closing quote of a string value after the <c>:</c> (RFC 8259 §4), on one line and within
    /// <see cref="JsonStringWiden"/> characters; unchanged otherwise. A key written with <c>\uXXXX</c> escapes of ASCII
    /// letters (<c>{"\u0070assword": "…"}</c>) is a credential name only once decoded, and the escape layer decodes one
    /// segment: the key's and the value's strings are two (r33 round).
    /// </summary>
    private static void WidenKeyToValue(ReadOnlySpan<char> text, ref int ss, ref int se)
    {
        int k = se + 1;
        while (k < text.Length && text[k] is ' ' or '\t')
        {
            k++;
        }

        if (k >= text.Length || text[k] != ':')
        {
            return;
        }

        k++;
        while (k < text.Length && text[k] is ' ' or '\t')
        {
            k++;
        }

        if (k >= text.Length || text[k] != '"')
        {
            return;
        }

        int limit = Math.Min(text.Length, k + 1 + JsonStringWiden);
        for (int b = k + 1; b < limit && text[b] is not ('\n' or '\r'); b++)
        {
            if (text[b] == '\\')
            {
                b++;
            }
            else if (text[b] == '"')
            {
                ss--;
                se = b + 1;
                return;
            }
        }
    }

    /// <summary>How far <see cref="WidenToJsonString"/> looks for a JSON string's quotes, each side: 4,096 characters.</summary>
    private const int JsonStringWiden = 4096;

    private static bool IsRealTrigger(ReadOnlySpan<char> text, int t, bool form, bool allEscapes) => text[t] switch
    {
        '%' => TextDecoders.IsPercentEscape(text, t) || TextDecoders.IsPercentUEscape(text, t),
        '\\' => TextDecoders.IsBackslashEscape(text, t, allEscapes),
        '+' => form,
        < (char)0x80 => false,
        _ => UnicodeFold.IsTrigger(text[t]),
    };

    private enum Decoder
    {
        Percent,
        Escape,
        Unicode,
    }

    private void DecodeSegment(ReadOnlySpan<char> text, int ss, int se, ref ScanState st, in Layer parent)
    {
        char[]? curBuffer = null;
        int[]? curMap = null;
        ReadOnlySpan<char> cur = text[ss..se];
        string label = string.Empty;
        bool unescaped = false;
        try
        {
            for (int round = 0; round < MaxDecodeRounds && !st.Full; round++)
            {
                bool any = false;
                foreach (var decoder in (ReadOnlySpan<Decoder>)[Decoder.Percent, Decoder.Escape, Decoder.Unicode])
                {
                    bool applies = decoder switch
                    {
                        Decoder.Percent => ContainsPercentEscape(cur) || (round == 0 && st.FormEncoded && cur.Contains('+')),
                        Decoder.Escape => ContainsBackslashEscape(cur, _anyBackslashEscape && (st.Detectors & DlpDetectors.KnownSecrets) != 0),
                        _ => ContainsUnicodeTrigger(cur),
                    };
                    if (!applies)
                    {
                        continue;
                    }

                    if (decoder == Decoder.Unicode && st.TagsRead != (st.Location, text.Length) && cur.Contains(TagHighSurrogate))
                    {
                        st.TagsRead = (st.Location, text.Length); // once per text: every tag character of it, across blanks and lines (r27)
                        ScanTagCharacters(text, null, 0, string.Empty, ref st, parent);
                    }

                    int capacity = decoder == Decoder.Unicode ? TextDecoders.FoldedLength(cur) : cur.Length;
                    var nextBuffer = ArrayPool<char>.Shared.Rent(Math.Max(1, capacity));
                    var localMap = ArrayPool<int>.Shared.Rent(capacity + 1);
                    var nextMap = ArrayPool<int>.Shared.Rent(capacity + 1);
                    int n = decoder switch
                    {
                        Decoder.Percent => TextDecoders.PercentDecode(cur, nextBuffer, localMap, plusIsSpace: st.FormEncoded && round == 0),
                        Decoder.Escape => TextDecoders.Unescape(cur, nextBuffer, localMap),
                        _ => TextDecoders.Fold(cur, nextBuffer, localMap),
                    };
                    for (int j = 0; j <= n; j++)
                    {
                        nextMap[j] = curMap is null ? ss + localMap[j] : curMap[localMap[j]];
                    }

                    ArrayPool<int>.Shared.Return(localMap);
                    if (curBuffer is not null)
                    {
                        ArrayPool<char>.Shared.Return(curBuffer);
                    }

                    if (curMap is not null)
                    {
                        ArrayPool<int>.Shared.Return(curMap);
                    }

                    curBuffer = nextBuffer;
                    curMap = nextMap;
                    cur = nextBuffer.AsSpan(0, n);
                    string name = decoder switch { Decoder.Percent => DlpEncodings.Percent, Decoder.Escape => DlpEncodings.Escape, _ => DlpEncodings.Unicode };
                    if (!label.Split('+').Contains(name))
                    {
                        label = label.Length == 0 ? name : label + "+" + name;
                    }

                    var decodedLayer = parent.IsOpaque ? parent.Nested(label) : new Layer(curMap, label);
                    ScanCore(cur, ref st, decodedLayer, withLayers: false);
                    unescaped |= decoder == Decoder.Escape;
                    if (decoder == Decoder.Unicode && unescaped && !st.Full)
                    {
                        // r32: "g\ud83d\udd25h\ud83d\udd25…", symbols that were escapes (the raw text's non-ASCII walk saw
                        // none); only where the escapes made characters for the folding layer (DlpEngine.SymbolInterleaved.cs).
                        ScanSymbolInterleavedText(cur, ref st, decodedLayer);
                    }

                    if (decoder == Decoder.Percent && !st.Full && cur.Contains('\0'))
                    {
                        // Red team 11: %XX of UTF-16 text (%00%67%00%68…) decodes to one character a byte, each beside a NUL.
                        ScanPercentUtf16(cur, ss, se - ss, label, ref st, parent); // DlpEngine.Utf16.cs
                    }
                    any = true;
                }

                if (!any)
                {
                    break;
                }
            }
        }
        finally
        {
            if (curBuffer is not null)
            {
                ArrayPool<char>.Shared.Return(curBuffer);
            }

            if (curMap is not null)
            {
                ArrayPool<int>.Shared.Return(curMap);
            }
        }
    }

    /// <summary>The UTF-16 high surrogate of every character of the Tags block U+E0000–E007F.</summary>
    private const char TagHighSurrogate = '\uDB40';

    /// <summary>The fewest tag characters that are read as hidden text (a credential is longer).</summary>
    private const int MinTagCharacters = 16;

    /// <summary>
    /// Unicode tag characters carrying ASCII (r27 red team: "ASCII smuggling", the hidden-prompt and hidden-exfiltration
    /// technique against LLM tools): each of U+E0020–E007E shadows the ASCII character 0xE0000 below it, and shows as
    /// nothing. The folding layer (<see cref="TextDecoders.Fold"/>) drops them, which rejoins a key that they split;
    /// here, when the text holds at least <see cref="MinTagCharacters"/>, the tag characters alone — wherever they stand,
    /// blanks and lines between them too — are read as their ASCII and scanned as their own layer (with its decoders:
    /// base64 inside them is found too). Positions map back to each tag character's high surrogate.
    /// </summary>
    private void ScanTagCharacters(ReadOnlySpan<char> cur, int[]? curMap, int ss, string label, ref ScanState st, in Layer parent)
    {
        int count = 0;
        for (int i = cur.IndexOf(TagHighSurrogate); i >= 0 && i + 1 < cur.Length; i++)
        {
            if (cur[i] == TagHighSurrogate && cur[i + 1] is >= '\uDC20' and <= '\uDC7E')
            {
                count++;
                i++;
            }
        }

        if (count < MinTagCharacters)
        {
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(count);
        var map = ArrayPool<int>.Shared.Rent(count + 1);
        try
        {
            int n = 0, last = 0;
            for (int i = 0; i + 1 < cur.Length; i++)
            {
                if (cur[i] == TagHighSurrogate && cur[i + 1] is >= '\uDC20' and <= '\uDC7E')
                {
                    buffer[n] = (char)(cur[i + 1] - 0xDC00);
                    map[n++] = curMap is null ? ss + i : curMap[i];
                    last = i + 2;
                    i++;
                }
            }

            map[n] = curMap is null ? ss + last : curMap[last];
            string name = label.Length == 0 ? DlpEncodings.UnicodeTags : label + "+" + DlpEncodings.UnicodeTags;
            ScanCore(buffer.AsSpan(0, n), ref st, parent.IsOpaque ? parent.Nested(name) : new Layer(map, name), withLayers: true);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(map);
        }
    }

    private static bool ContainsPercentEscape(ReadOnlySpan<char> s)
    {
        for (int i = 0; ;)
        {
            int k = s[i..].IndexOf('%');
            if (k < 0)
            {
                return false;
            }

            for (i += k; i < s.Length && s[i] == '%'; i++)
            {
                if (TextDecoders.IsPercentEscape(s, i) || TextDecoders.IsPercentUEscape(s, i))
                {
                    return true;
                }
            }
        }
    }

    private static bool ContainsBackslashEscape(ReadOnlySpan<char> s, bool all)
    {
        for (int i = 0; ;)
        {
            int k = s[i..].IndexOf('\\');
            if (k < 0)
            {
                return false;
            }

            for (i += k; i < s.Length && s[i] == '\\'; i++)
            {
                if (TextDecoders.IsBackslashEscape(s, i, all))
                {
                    return true;
                }
            }
        }
    }

    private static bool ContainsUnicodeTrigger(ReadOnlySpan<char> s)
    {
        for (int i = 0; ;)
        {
            int k = s[i..].IndexOfAnyExceptInRange('\0', '\u007F');
            if (k < 0)
            {
                return false;
            }

            for (i += k; i < s.Length && s[i] >= 0x80; i++)
            {
                if (UnicodeFold.IsTrigger(s[i]))
                {
                    return true;
                }
            }
        }
    }

    // ---- reporting ------------------------------------------------------------------------------------------------

    private static string Compose(string outer, string inner) =>
        outer.Length == 0 ? inner : inner == DlpEncodings.Plain ? outer : outer + "+" + inner;

    /// <summary>
    /// Rules whose shorter, hand-written forms are reported unvalidated since r36 (<c>sk_live_FAKE_KEY_12345</c>,
    /// <c>sk-proj-abc123EXAMPLE</c>, <c>xoxb-FAKE-TOKEN-123</c>): in text joined from pieces (<see cref="DlpEncodings.Concat"/>)
    /// only their validated forms count — a short key followed by a word joins into another short key.
    /// </summary>
    private static readonly HashSet<string> s_shortFormRules =
    [
        "openai-api-key", "anthropic-api-key", "gitlab-pat", "gitlab-deploy-token", "gitlab-runner-token", "stripe-secret-key",
        "stripe-restricted-key", "slack-bot-token", "slack-user-token", "slack-app-token", "slack-token", "sendgrid-api-key",
    ];

    private static bool IsShortFormInJoin(TokenRule rule, in Layer layer) =>
        layer.Encoding.Contains(DlpEncodings.Concat, StringComparison.Ordinal) && s_shortFormRules.Contains(rule.Id);

    private static void ReportRule(ref ScanState st, in Layer layer, TokenRule rule, int start, int length, string encoding, string visible, int chars, bool validated = true)
    {
        string subject = chars > 0
            ? $"{rule.Description}: {visible}…[REDACTED, {chars} chars]"
            : $"{rule.Description}: {visible} [REDACTED]";
        if (!validated)
        {
            subject += " (not validated: fails the format's checksum or is a documented example/placeholder)";
        }

        Report(ref st, layer, DlpFinding.TokenPatternsDetector, rule.Id, start, length, encoding, subject, validated);
    }

    private static void ReportSecret(ref ScanState st, in Layer layer, KnownSecret secret, int start, int length, string encoding) =>
        Report(ref st, layer, DlpFinding.KnownSecretsDetector, secret.Name, start, length, encoding, $"Known secret '{secret.Name}' [REDACTED]");

    private static void Report(ref ScanState st, in Layer layer, string detector, string ruleId, int start, int length, string encoding, string subject, bool validated = true)
    {
        var (rootStart, rootLength) = layer.ToRoot(start, length);
        rootStart += st.Offset;
        st.Seen ??= [];
        if (st.Full || !st.Seen.Add((detector, ruleId, rootStart, rootLength, st.Location)))
        {
            return;
        }

        string enc = Compose(layer.Encoding, encoding);
        st.Sink.Add(new DlpFinding(detector, ruleId, st.Location, rootStart, rootLength, enc, DlpFinding.BuildMessage(subject, st.Location, enc)) { Subject = subject, Validated = validated });
        st.Added++;
    }

    /// <summary>Per-call scan state (a struct: benign scans allocate nothing for it).</summary>
    private struct ScanState(ICollection<DlpFinding> sink, DlpDetectors detectors)
    {
        public readonly ICollection<DlpFinding> Sink = sink;
        public readonly DlpDetectors Detectors = detectors;
        public DlpLocation Location;
        public bool FormEncoded;
        public int Offset;
        public int Added;

        /// <summary>Decoding layers (<see cref="MaxDeepLayers"/>) between the text as sent and the text being scanned.</summary>
        public int Depth;

        /// <summary>Bytes inflated from compressed blobs so far in this scan, all layers (bounded by <see cref="MaxInflatedPerScan"/>).</summary>
        public int Inflated;
        public HashSet<(string, string, int, int, DlpLocation)>? Seen;

        /// <summary>The location and length of the last text whose tag characters were read (<see cref="ScanTagCharacters"/>: once per text, not once per segment).</summary>
        public (DlpLocation Location, int Length) TagsRead;

        /// <summary>True while a reversed or ROT13 window is scanned (DlpEngine.TransformedText.cs): no window is undone inside one.</summary>
        public bool InTransformedText;

        /// <summary>The first two distinct dash-grouped SSN-shaped numbers without a label seen in this scan, as 9-digit integers (0: none yet; <see cref="CheckDashedSsn"/>).</summary>
        public int BareSsn1, BareSsn2;

        public readonly bool Full => Added >= MaxFindings;
    }

    /// <summary>How decoded text maps back to the root text: <c>Map[j]</c> is the root index of decoded char j.</summary>
    private readonly struct Layer
    {
        public Layer(int[]? map, string encoding)
        {
            Map = map;
            Encoding = encoding;
            OpaqueStart = -1;
        }

        private Layer(string encoding, int opaqueStart, int opaqueLength)
        {
            Encoding = encoding;
            OpaqueStart = opaqueStart;
            OpaqueLength = opaqueLength;
        }

        public static Layer Root => new(null, string.Empty);

        public readonly int[]? Map;
        public readonly string Encoding;

        /// <summary>When ≥ 0, everything in this layer maps to the whole root span [OpaqueStart, OpaqueStart + OpaqueLength).</summary>
        public readonly int OpaqueStart;
        public readonly int OpaqueLength;

        public bool IsOpaque => OpaqueStart >= 0;

        /// <summary>A layer of text decoded from the whole root span [start, start + length) (a base64 part, a decompressed body).</summary>
        public static Layer Opaque(int start, int length, string encoding) => new(encoding, start, length);

        public Layer Nested(string encoding) => new(Encoding.Length == 0 ? encoding : Encoding + "+" + encoding, OpaqueStart, OpaqueLength);

        public (int Start, int Length) ToRoot(int start, int length) =>
            IsOpaque ? (OpaqueStart, OpaqueLength) : Map is null ? (start, length) : (Map[start], Map[start + length] - Map[start]);
    }

    /// <summary>State for one pass over the runs of one text: segment and decode caches, de-duplication.</summary>
    private struct RunContext : IDisposable
    {
        public int RuleSkipUntil;

        /// <summary>Reversed / ROT13 literal hits before this position are not handled (one bounded window per <see cref="ObfuscatedWindow"/> characters keeps a run full of them linear).</summary>
        public int ObfuscatedSkipUntil;

        /// <summary>Doubled-prefix hits before this position lie in a doubled stretch already undoubled (DlpEngine.Ciphers.cs).</summary>
        public int DoubledUntil;

        /// <summary>Reversed-base64 hits before this position lie in a token run already read backwards and decoded (DlpEngine.Ciphers.cs).</summary>
        public int ReversedBase64Until;

        /// <summary>Runs before this position lie in encoded-words already decoded (<see cref="CheckEncodedWord"/>).</summary>
        public int EncodedWordSkipUntil;

        /// <summary>The classifier's bitmap of '/' positions in the text (null when the layer is not scanned deep).</summary>
        public ulong[]? SlashBits;
        private int _b64Start, _b64End, _hexStart, _hexEnd;
        private HashSet<(int, bool, int)>? _reported;
        private DecodedWindow[]? _windows;

        public RunContext()
        {
            _b64Start = _b64End = _hexStart = _hexEnd = -1;
        }

        public (int, int) Base64Segment(ReadOnlySpan<char> text, int i, int rs, int re)
        {
            if (i >= rs && i < re)
            {
                return (rs, re);
            }

            if (i >= _b64Start && i < _b64End)
            {
                return (_b64Start, _b64End);
            }

            int s = i, e = i;
            while (s > 0 && RunScanner.IsTokenChar(text[s - 1]))
            {
                s--;
            }

            while (e < text.Length && RunScanner.IsTokenChar(text[e]))
            {
                e++;
            }

            (_b64Start, _b64End) = (s, e);
            return (s, e);
        }

        public (int, int) HexSegment(ReadOnlySpan<char> text, int i)
        {
            if (i >= _hexStart && i < _hexEnd)
            {
                return (_hexStart, _hexEnd);
            }

            int s = i, e = i;
            while (s > 0 && char.IsAsciiHexDigit(text[s - 1]))
            {
                s--;
            }

            while (e < text.Length && char.IsAsciiHexDigit(text[e]))
            {
                e++;
            }

            (_hexStart, _hexEnd) = (s, e);
            return (s, e);
        }

        public readonly bool AlreadyReported(int owner, bool isSecret, int segStart) =>
            _reported is not null && _reported.Contains((owner, isSecret, segStart));

        public void MarkReported(int owner, bool isSecret, int segStart) => (_reported ??= []).Add((owner, isSecret, segStart));

        /// <summary>
        /// Decoded text around position <paramref name="q"/> (a base64 quantum boundary or a hex pair start) of the
        /// segment, from a window cached per grid alignment, and the index of <paramref name="q"/> in it.
        /// </summary>
        public ReadOnlySpan<char> Decode(ReadOnlySpan<char> text, int segStart, int segEnd, int q, bool hex, out int dpos)
        {
            int unit = hex ? 2 : 4;
            int grid = (q - segStart) % unit;
            int slot = hex ? 4 + grid : grid;
            _windows ??= new DecodedWindow[6];
            ref var w = ref _windows[slot];
            int need = Math.Min(segEnd, q + (DecodeWindow / 2));
            int first = segStart + grid;
            bool reusable = w.Buffer is not null && w.SegStart == segStart && q >= w.Start && (q - w.Start >= 256 || w.Start == first) && need <= w.End;
            if (!reusable)
            {
                int start = Math.Max(first, q - 256);
                start -= (start - first) % unit;
                int end = Math.Min(segEnd, start + DecodeWindow);
                if (end < segEnd)
                {
                    end -= (end - start) % unit; // inside the segment keep whole quanta; at its end decode the partial one too
                }

                int capacity = hex ? ((end - start) / 2) + 1 : (((end - start) * 3) / 4) + 3;
                if (w.Buffer is null || w.Buffer.Length < capacity)
                {
                    if (w.Buffer is not null)
                    {
                        ArrayPool<char>.Shared.Return(w.Buffer);
                    }

                    w.Buffer = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 16));
                }


                w.SegStart = segStart;
                w.Start = start;
                w.End = end;
                w.Length = hex ? DecodeHex(text[start..end], w.Buffer) : DecodeBase64(text[start..end], w.Buffer);
            }

            dpos = (q - w.Start) / unit * (hex ? 1 : 3);
            if (q < w.Start || dpos >= w.Length)
            {
                dpos = -1;
            }

            return w.Buffer!.AsSpan(0, w.Length);
        }

        private static int DecodeBase64(ReadOnlySpan<char> src, char[] dst)
        {
            int bits = 0, acc = 0, n = 0;
            foreach (char c in src)
            {
                int v = Base64Helpers.B64Value(c);
                if (v < 0)
                {
                    break;
                }

                acc = ((acc << 6) | v) & 0xFFFFFF;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    dst[n++] = (char)((acc >> bits) & 0xFF);
                }
            }

            return n;
        }

        private static int DecodeHex(ReadOnlySpan<char> src, char[] dst)
        {
            int n = 0;
            for (int i = 0; i + 1 < src.Length; i += 2)
            {
                int hi = Base64Helpers.HexValue(src[i]), lo = Base64Helpers.HexValue(src[i + 1]);
                if (hi < 0 || lo < 0)
                {
                    break;
                }

                dst[n++] = (char)((hi << 4) | lo);
            }

            return n;
        }

        public void Dispose()
        {
            if (_windows is not null)
            {
                foreach (var w in _windows)
                {
                    if (w.Buffer is not null)
                    {
                        ArrayPool<char>.Shared.Return(w.Buffer);
                    }
                }

                _windows = null;
            }
        }
    }

    private struct DecodedWindow
    {
        public char[]? Buffer;
        public int SegStart;
        public int Start;
        public int End;
        public int Length;
    }
}
