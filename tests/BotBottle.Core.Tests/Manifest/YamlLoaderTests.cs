using System.Text;
using BotBottle.Manifest;
using BotBottle.Manifest.Yaml;

namespace BotBottle.Tests.Manifest;

public class YamlLoaderTests
{
    private static List<ManifestError> Load(string text) => LoadBytes(Encoding.UTF8.GetBytes(text));

    private static List<ManifestError> LoadBytes(byte[] bytes)
    {
        var errors = new List<ManifestError>();
        YamlDocumentLoader.LoadMarkdown(bytes, "f.md", errors);
        return errors;
    }

    [Fact]
    public void Empty_file_is_a_located_missing_frontmatter_error()
    {
        var e = Assert.Single(Load(string.Empty));
        Assert.Equal(ManifestErrorCode.MissingFrontmatter, e.Code);
        Assert.Equal("f.md:1:1: the file is empty; a manifest is Markdown with YAML frontmatter: a '---' line, the keys, another '---' line, then the body", e.ToString());
    }

    [Fact]
    public void Markdown_without_frontmatter_is_an_error()
    {
        var e = Assert.Single(Load("# just a heading\n"));
        Assert.Equal(ManifestErrorCode.MissingFrontmatter, e.Code);
        Assert.Equal((1, 1), (e.Line, e.Column));
    }

    [Fact]
    public void Unterminated_frontmatter_is_an_error()
    {
        var e = Assert.Single(Load("---\nenv: {}\n"));
        Assert.Equal(ManifestErrorCode.UnterminatedFrontmatter, e.Code);
        Assert.Contains("never closed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_content_is_reported_at_the_first_nul()
    {
        var e = Assert.Single(LoadBytes([.. "---\nab"u8, 0, 1, 2]));
        Assert.Equal(ManifestErrorCode.NotText, e.Code);
        Assert.Equal((2, 3), (e.Line, e.Column));
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_its_position()
    {
        var e = Assert.Single(LoadBytes([.. "---\nenv:\n  A: x"u8, 0xC3, 0x28]));
        Assert.Equal(ManifestErrorCode.NotText, e.Code);
        Assert.Equal((3, 7), (e.Line, e.Column));
        Assert.Contains("not UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_files_are_refused()
    {
        var e = Assert.Single(LoadBytes(new byte[YamlDocumentLoader.MaxBytes + 1]));
        Assert.Equal(ManifestErrorCode.NotText, e.Code);
    }

    [Fact]
    public void Bom_and_crlf_are_accepted()
    {
        Assert.Empty(LoadBytes([0xEF, 0xBB, 0xBF, .. "---\r\nenv:\r\n  A: b\r\n---\r\nbody\r\n"u8]));
    }

    [Fact]
    public void Yaml_syntax_errors_are_located_on_lines_of_the_md_file()
    {
        // Line 1 is '---', so YAML line 2 is file line 3.
        var e = Assert.Single(Load("---\nenv:\n  A: [1, 2\n---\n"));
        Assert.Equal(ManifestErrorCode.YamlSyntax, e.Code);
        Assert.Equal("f.md", e.File);
        Assert.True(e.Line >= 3, e.ToString());
        Assert.StartsWith("invalid YAML: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_are_reported_with_every_other_error_of_the_file()
    {
        var errors = ManifestAssert.BottleErrors("env:\n  A: x\nenv:\n  B: y\negres: {}\n");
        ManifestAssert.Single(errors, ManifestErrorCode.DuplicateKey, "b.md", 4, 1);
        ManifestAssert.Single(errors, ManifestErrorCode.UnknownKey, "b.md", 6, 1);
        Assert.Contains("first at line 2", errors.First(e => e.Code == ManifestErrorCode.DuplicateKey).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_inside_nested_maps_are_found()
    {
        var errors = ManifestAssert.BottleErrors("egress:\n  routes:\n    - host: a.com\n      host: b.com\n");
        ManifestAssert.Single(errors, ManifestErrorCode.DuplicateKey, "b.md", 5, 7);
    }

    [Theory]
    [InlineData("env: &a\n  A: b\n", "anchors")]
    [InlineData("env:\n  A: !custom b\n", "custom YAML tags")]
    [InlineData("env: {}\n...\nenv: {}\n", "only one YAML document")]
    public void Constructs_manifests_do_not_allow_are_located_errors(string yaml, string message)
    {
        var e = Assert.Single(ManifestAssert.BottleErrors(yaml));
        Assert.Equal(ManifestErrorCode.YamlSyntax, e.Code);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.True(e.Line >= 2);
    }

    [Fact]
    public void Aliases_are_refused_so_nothing_can_expand_exponentially()
    {
        // The frontmatter's own '---' would end it; write the routes file form.
        var errors = new List<ManifestError>();
        YamlDocumentLoader.LoadPlain("a: &x [1]\nb: *x\n", "r.yaml", errors);
        Assert.Equal(ManifestErrorCode.YamlSyntax, Assert.Single(errors).Code);
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var e = Assert.Single(Load("---\nenv: " + deep + "\n---\n"));
        Assert.Equal(ManifestErrorCode.YamlSyntax, e.Code);
        Assert.Contains("nested more than", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("---\nimage: x\ninteractive: [xss: [x, \"{prompt}\"]\nprompt_file: /p\n---\n")]
    public void Scanner_exceptions_that_are_not_YamlExceptions_become_located_errors(string text)
    {
        // Found by LoaderPropertyTests: YamlDotNet's scanner throws InvalidOperationException on these.
        var e = Assert.Single(Load(text));
        Assert.Equal(ManifestErrorCode.YamlSyntax, e.Code);
        Assert.True(e.Line >= 2 && e.Column >= 1, e.ToString());
    }

    [Fact]
    public void The_body_after_the_closing_line_is_kept()
    {
        var errors = new List<ManifestError>();
        var loaded = YamlDocumentLoader.LoadMarkdown(Encoding.UTF8.GetBytes("---\nbottle: x\n---\n\nYou are helpful.\n"), "a.md", errors);
        Assert.Empty(errors);
        Assert.Equal("You are helpful.", loaded!.Body);
        Assert.Equal(1, loaded.LineOffset);
    }
}
