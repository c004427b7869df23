using System.Collections;
using System.Management.Automation;
using System.Text;
using BotBottle.Egress;
using BotBottle.Errors;
using BotBottle.Instances;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Evaluates one request offline against a bottle's routes or a routes file, with the sidecar's own engine.</para>
/// <para type="description">Applies host checks, routes, matches, git-over-HTTPS rules and DLP (the route's detectors and action) exactly as the sidecar would, and outputs an EgressVerdict (Allow, Block, Redact or Supervise) with every reason: detector, rule, location and message. Names are not resolved, so address checks are the sidecar's alone. Known secrets come from BOT_BOTTLE_SECRET_* variables and the host variables the routes' token_ref names.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BottleEgress", DefaultParameterSetName = ByName)]
[OutputType(typeof(EgressVerdict))]
public sealed class TestBottleEgressCommand : BotBottleCmdlet
{
    private const string ByName = "ByName";
    private const string ByInput = "ByInput";
    private const string ByFile = "ByFile";

    /// <summary>The bottle whose routes to use.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
    [ValidateNotNullOrEmpty]
    public string BottleName { get; set; } = string.Empty;

    /// <summary>The bottle from the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInput, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Bottle? InputObject { get; set; }

    /// <summary>A routes file (YAML: routes: [...], log: 0|1|2) instead of a bottle.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByFile)]
    [ValidateNotNullOrEmpty]
    public string RoutesFile { get; set; } = string.Empty;

    /// <summary>The absolute http:// or https:// URL.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    /// <summary>The HTTP method.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "GET";

    /// <summary>Headers: a hashtable (@{ Authorization = 'Bearer x' }) or 'Name: value' strings.</summary>
    [Parameter]
    public object? Header { get; set; }

    /// <summary>The body: a string (sent as UTF-8) or a byte array.</summary>
    [Parameter]
    public object? Body { get; set; }

    /// <summary>Read the body from this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BodyFile { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var target = ParameterSetName switch { ByInput => InputObject!.Name, ByFile => RoutesFile, _ => BottleName };
        try
        {
            if (Body is not null && BodyFile is not null)
            {
                throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, "Give -Body or -BodyFile, not both.");
            }

            var request = new EgressCheckRequest
            {
                Method = Method,
                Url = Uri!.OriginalString,
                Headers = Headers(Header),
                Body = BodyFile is not null ? File.ReadAllBytes(GetUnresolvedProviderPathFromPSPath(BodyFile)) : BodyBytes(Body),
            };
            var services = GetServices();
            var verdict = ParameterSetName == ByFile
                ? services.Egress.CheckRoutesFile(GetUnresolvedProviderPathFromPSPath(RoutesFile), request)
                : services.Egress.CheckBottle(target, request);
            WriteObject(verdict);
        }
        catch (Exception ex) when (ex is BotBottleException or IOException)
        {
            WriteBotBottleError(ex, target);
        }
    }

    private static List<KeyValuePair<string, string>> Headers(object? value)
    {
        var result = new List<KeyValuePair<string, string>>();
        switch (value is PSObject pso ? pso.BaseObject : value)
        {
            case null:
                break;
            case IDictionary table:
                foreach (DictionaryEntry e in table)
                {
                    result.Add(new(e.Key.ToString()!, e.Value?.ToString() ?? string.Empty));
                }

                break;
            case string line:
                result.Add(Split(line));
                break;
            case IEnumerable lines:
                foreach (var l in lines)
                {
                    result.Add(Split(l?.ToString() ?? string.Empty));
                }

                break;
            default:
                throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, "-Header takes a hashtable or 'Name: value' strings.");
        }

        return result;
    }

    private static KeyValuePair<string, string> Split(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? new(line[..colon].Trim(), line[(colon + 1)..].Trim())
            : throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, $"The header '{line}' must look like 'Name: value'.");
    }

    private static ReadOnlyMemory<byte> BodyBytes(object? value) => (value is PSObject pso ? pso.BaseObject : value) switch
    {
        null => ReadOnlyMemory<byte>.Empty,
        byte[] bytes => bytes,
        string s => Encoding.UTF8.GetBytes(s),
        var other => Encoding.UTF8.GetBytes(other.ToString() ?? string.Empty),
    };
}
