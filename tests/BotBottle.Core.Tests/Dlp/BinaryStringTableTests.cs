using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Binaries read as text (the git gate scans them with <c>git log --text</c>): the string tables of Go, C and C++
/// programs packed without separators made <c>credential-assignment</c> values. Each shape is rebuilt from the format
/// that makes it (Go's sorted string data, a printf format per C11 §7.21.6.1, GCC's <c>__PRETTY_FUNCTION__</c>
/// template-parameter list), as found in Debian's containerd, docker, ctr, containerd-shim, libsoftokn3 and
/// libboost_program_options; beside them the assignments that must still be found.
/// </summary>
public sealed class BinaryStringTableTests
{
    private const string Rule = "credential-assignment";

    [Theory]
    [InlineData("\0ParseBoolParseUintPartialD;Password:Payloads:Pgrefill:PodCIDRs:PodStatusPrecedes;Previous:Priori\0")] // Go string data
    [InlineData("\0Making dir path: Manage containersManagerJoinToken:ManagerUnlockKey:MatchExpressions:Max address spaceMax\0")]
    [InlineData("\0OverBrace;POSTALCODEPT_DYNAMICParseAddr(ParseFloatPassword: PhoenicianPlatforms:PlusMinus;Processes:\0")]
    [InlineData("\0JulyJuneKey:KillLEAFLisuMiaoModiNameNewaPATHPWD=Pid:SpecThaiTypeWait\"OK\"\0")]
    [InlineData("\0phKey=%p)=0x%08lX%s\0\0 hClientMacSecret=0x%08lX hServerMacSecret=0x%08lX hClientKey=0x%08lX\0")] // printf formats
    [InlineData("\0void f(iterator&, iterator, Token&) [with iterator = __gnu_cxx::__normal_iterator<char*>; Token = std::__cxx11::basic_string<char>; Char = char]\0")]
    public void A_binarys_string_table_is_not_an_assignment(string table)
    {
        var findings = Scan(table);
        Assert.True(!findings.Any(f => f.RuleId == Rule), Describe(findings));
    }

    [Theory]
    [InlineData("db_password=Corr3ct:Horse\n")] // a colon with a digit in the value
    [InlineData("token = \"Key:ValueSecret\"\n")] // quoted with capitals
    [InlineData("secret=Xk9mQ2%vL8p\n")] // a '%' that starts no conversion
    [InlineData("secret=Xk9%2FmQ2vL8%3Ap\n")] // percent-escapes (%2F reads like a conversion F with width 2)
    [InlineData("secret=S3cr3t%21zxph3a60\n")] // %21 is '!' (it also reads as width 21, length z, conversion x)
    [InlineData("secret: Xk9%dmQ2vL8p\n")] // a '%' and a letter inside a generated password
    [InlineData("password=std:Xk9mQ2vL8p\n")] // one colon is not a qualified name
    public void An_assignment_that_only_looks_like_them_is_still_found(string text) =>
        Assert.Contains(Scan(text), f => f.RuleId == Rule);
}
