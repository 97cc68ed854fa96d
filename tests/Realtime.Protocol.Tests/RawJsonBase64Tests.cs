using System.Text;

namespace Realtime.Protocol.Tests;

public sealed class RawJsonBase64Tests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("""{"text":"hi"}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    public void One_json_value_is_accepted(string json)
    {
        Assert.True(RawJson.TryFromBase64(B64(json), out var decoded));
        Assert.Equal(json, decoded.ToString());
    }

    [Theory]
    [InlineData("""1,"channel":"other" """)] // a fragment that would rewrite an envelope
    [InlineData("""{"a":1}{"b":2}""")]
    [InlineData("""{"a":1""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(RawJson.TryFromBase64(B64(text), out _));
    }

    [Fact]
    public void Invalid_base64_is_refused()
    {
        Assert.False(RawJson.TryFromBase64("***", out _));
        Assert.False(RawJson.TryFromBase64(null, out _));
    }
}
