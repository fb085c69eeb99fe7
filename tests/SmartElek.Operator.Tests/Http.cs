using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartElek.Operator.Tests;

/// <summary>Small helpers for asserting HTTP answers.</summary>
internal static class Http
{
    public static async Task<JsonElement> Expect(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> Patch(this HttpClient client, string path, object body) =>
        client.PatchAsJsonAsync(path, body);

    /// <summary>A 400 problem that names <paramref name="field"/>.</summary>
    public static async Task<string> ExpectFieldError(this Task<HttpResponseMessage> call, string field)
    {
        var problem = await call.Expect(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), $"the problem names {field}: {problem}");
        return reasons[0].GetString()!;
    }

    public static async Task<JsonElement> Eventually(HttpClient client, string path, Func<JsonElement, bool> wanted, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetAsync(path).Expect(HttpStatusCode.OK);
            if (wanted(last)) return last;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"{path}: no {what} in time; last: {last}");
    }
}
