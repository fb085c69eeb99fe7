using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SmartElek.Host.Configuration;

namespace SmartElek.Operator.Tests;

/// <summary>The one run command serves the API: Kestrel on Api:Url, its OpenAPI document, problem details, and a bad Api section refused.</summary>
[Collection(ApiProcessCollection.Name)]
public sealed class ApiStartTests : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-api-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_site_serves_its_openapi_document_and_answers_an_unknown_path_with_problem_details()
    {
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var client = host.Client();

        var openApi = await client.GetAsync(OperatorApiHosting.OpenApiPath);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        using var document = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/site", out _), "the document lists /api/site");

        // Signed out, every path but login, setup and this document answers 401 (nothing to learn about what exists).
        var anonymous = await client.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        using var signedIn = await host.LoginAsync("boss", "correct horse battery");
        var missing = await signedIn.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_taken_api_port_stops_the_start_with_exit_code_2_naming_Api_Url()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var ending = await HostProcess.RunAsync(_workDir, Repository.Config("host.json"), new Dictionary<string, string>
        {
            ["SMARTELEK__Console__LiveTable"] = "false",
            ["SMARTELEK__Api__Url"] = $"http://127.0.0.1:{port}",
        });
        Assert.Equal(2, ending.Code);
        Assert.Contains("Api:Url", ending.Err, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", ending.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Url", "ftp://127.0.0.1:8080", "Api:Url")]
    [InlineData("Url", "http://127.0.0.1:8080/api", "Api:Url")]
    [InlineData("LoginAttemptsPerMinute", "0", "Api:LoginAttemptsPerMinute")]
    [InlineData("SetupLinkMinutes", "0.5", "Api:SetupLinkMinutes")]
    public void A_bad_api_setting_is_refused_naming_its_key(string key, string value, string named)
    {
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(Repository.Config("host.json"),
            new Dictionary<string, string?> { [$"Api:{key}"] = value }));
        var error = Assert.Single(e.Errors);
        Assert.Equal(named, error.Key);
    }

    [Fact]
    public void The_default_configuration_serves_the_api_on_loopback_port_8080()
    {
        var options = HostConfiguration.Load(Repository.Config("host.json"));
        Assert.Equal("http://127.0.0.1:8080", options.Api.Url);
        Assert.Empty(HostConfiguration.ApiErrors(new ApiOptions(), "host.json"));
    }
}
