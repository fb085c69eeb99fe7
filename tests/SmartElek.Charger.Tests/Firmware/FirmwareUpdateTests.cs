using CsCheck;
using SmartElek.Charger.Firmware;
using Fact = SmartElek.Charger.Firmware.FirmwareFact;

namespace SmartElek.Charger.Tests.Firmware;

public class FirmwareUpdateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 12, 8, 0, 0, TimeSpan.Zero);

    private static FirmwareRequest At(DateTimeOffset retrieve, int attempts = 3, double retrySeconds = 30) =>
        new(new Uri("https://firmware.example/4500-1.2.0.bin"), retrieve, attempts, TimeSpan.FromSeconds(retrySeconds), "test");

    [Fact]
    public void An_update_downloads_from_its_retrieve_time_installs_without_a_session_and_is_installed_after_the_boot()
    {
        var update = FirmwareUpdate.PoweredUp("1.0.0", null).Apply(new Fact.Requested(At(T0.AddMinutes(5))));
        Assert.Equal(FirmwareStep.Idle, update.Step);
        Assert.True(update.UnderWay);
        Assert.Equal(T0.AddMinutes(5), update.WaitsUntil);
        Assert.Equal(FirmwareAction.None, update.Decide(T0.AddMinutes(4), sessionOpen: false));
        Assert.Equal(FirmwareAction.StartDownload, update.Decide(T0.AddMinutes(5), sessionOpen: true));

        update = update.Apply(new Fact.DownloadStarted(T0.AddMinutes(5)));
        Assert.Equal((FirmwareStep.Downloading, 1), (update.Step, update.Attempts));
        Assert.Null(update.WaitsUntil);
        Assert.Equal(FirmwareAction.None, update.Decide(T0.AddMinutes(6), sessionOpen: false));

        update = update.Apply(new Fact.Downloaded("1.2.0"));
        // A vehicle plugged in holds the install back: it reboots the unit.
        Assert.Equal(FirmwareAction.None, update.Decide(T0.AddHours(2), sessionOpen: true));
        Assert.Equal(FirmwareAction.Install, update.Decide(T0.AddHours(2), sessionOpen: false));

        update = update.Apply(Fact.InstallStarted.Instance);
        Assert.Equal(FirmwareStep.Installing, update.Step);
        Assert.Equal("1.0.0", update.RunningVersion);
        Assert.Equal(FirmwareAction.None, update.Decide(T0.AddHours(3), sessionOpen: false));

        var booted = FirmwareUpdate.PoweredUp("1.2.0", replaced: "1.0.0");
        Assert.Equal((FirmwareStep.Installed, "1.2.0", "replaced 1.0.0"), (booted.Step, booted.RunningVersion, booted.Detail));
        Assert.False(booted.UnderWay);
    }

    [Fact]
    public void A_failed_download_is_tried_again_after_the_interval_until_its_attempts_run_out()
    {
        var update = FirmwareUpdate.PoweredUp("1.0.0", null).Apply(new Fact.Requested(At(T0, attempts: 2, retrySeconds: 60)));
        update = update.Apply(new Fact.DownloadStarted(T0)).Apply(new Fact.DownloadFailed(T0.AddSeconds(10), "server down"));
        Assert.Equal((FirmwareStep.DownloadFailed, true, "server down"), (update.Step, update.UnderWay, update.Detail));
        Assert.Equal(T0.AddSeconds(70), update.WaitsUntil);
        Assert.Equal(FirmwareAction.None, update.Decide(T0.AddSeconds(69), false));
        Assert.Equal(FirmwareAction.StartDownload, update.Decide(T0.AddSeconds(70), false));

        update = update.Apply(new Fact.DownloadStarted(T0.AddSeconds(70))).Apply(new Fact.DownloadFailed(T0.AddSeconds(80), "still down"));
        Assert.Equal((FirmwareStep.DownloadFailed, false, 2), (update.Step, update.UnderWay, update.Attempts));
        Assert.Equal(FirmwareAction.None, update.Decide(T0.AddDays(1), false));
        // The update is over: a new request is taken.
        Assert.Null(update.Refusal(At(T0.AddDays(1))));
    }

    [Fact]
    public void A_failed_install_ends_the_update_on_the_running_version()
    {
        var update = FirmwareUpdate.PoweredUp("1.0.0", null).Apply(new Fact.Requested(At(T0)))
            .Apply(new Fact.DownloadStarted(T0)).Apply(new Fact.Downloaded("1.2.0")).Apply(new Fact.InstallFailed("checksum"));
        Assert.Equal((FirmwareStep.InstallationFailed, false, "1.0.0", "checksum"), (update.Step, update.UnderWay, update.RunningVersion, update.Detail));
    }

    [Fact]
    public void One_update_at_a_time_and_a_bad_request_is_refused_naming_what_is_wrong()
    {
        var busy = FirmwareUpdate.PoweredUp("1.0.0", null).Apply(new Fact.Requested(At(T0)));
        Assert.Contains("already under way", busy.Refusal(At(T0)));
        Assert.Throws<InvalidOperationException>(() => busy.Apply(new Fact.Requested(At(T0))));

        var idle = FirmwareUpdate.PoweredUp("1.0.0", null);
        Assert.Contains("not an absolute URI", idle.Refusal(At(T0) with { Location = new Uri("4500.bin", UriKind.Relative) }));
        Assert.Contains("at least 1 attempt", idle.Refusal(At(T0, attempts: 0)));
        Assert.Contains("cannot be negative", idle.Refusal(At(T0, retrySeconds: -1)));
        Assert.Contains("who asked", idle.Refusal(At(T0) with { By = " " }));
        Assert.Null(idle.Refusal(FirmwareRequest.Ota(T0, "6 SET taps")));
    }

    [Fact]
    public void A_fact_that_does_not_follow_the_step_is_refused()
    {
        var idle = FirmwareUpdate.PoweredUp("1.0.0", null);
        Assert.Throws<InvalidOperationException>(() => idle.Apply(new Fact.DownloadStarted(T0)));
        var requested = idle.Apply(new Fact.Requested(At(T0)));
        Assert.Contains("does not follow", Assert.Throws<InvalidOperationException>(() => requested.Apply(new Fact.Downloaded("1.2.0"))).Message);
        Assert.Throws<InvalidOperationException>(() => requested.Apply(Fact.InstallStarted.Instance));
        var downloading = requested.Apply(new Fact.DownloadStarted(T0));
        Assert.Throws<InvalidOperationException>(() => downloading.Apply(new Fact.DownloadStarted(T0)));
        Assert.Throws<ArgumentNullException>(() => downloading.Apply(null!));
    }

    // ---- A property over random runs of the firmware child's loop ----

    private enum Event { Tick, PlugIn, PlugOut, DownloadDone, DownloadFails, InstallFails }

    [Fact]
    public void Downloads_wait_for_their_time_and_their_attempts_and_an_install_never_starts_while_a_session_is_open()
    {
        var events = Gen.Frequency((4, Gen.Const(Event.Tick)), (1, Gen.Const(Event.PlugIn)), (1, Gen.Const(Event.PlugOut)),
            (2, Gen.Const(Event.DownloadDone)), (2, Gen.Const(Event.DownloadFails)), (1, Gen.Const(Event.InstallFails)));
        Gen.Select(Gen.Int[0, 120], Gen.Int[1, 4], Gen.Int[0, 90], Gen.Int[1, 60], events.Array[1, 80],
                (retrieveIn, attempts, retryEvery, step, run) => (retrieveIn, attempts, retryEvery, step, run))
            .Sample(t =>
            {
                var request = At(T0.AddSeconds(t.retrieveIn), t.attempts, t.retryEvery);
                var update = FirmwareUpdate.PoweredUp("1.0.0", null).Apply(new Fact.Requested(request));
                var now = T0;
                var session = false;
                DateTimeOffset? lastFailure = null;
                foreach (var e in t.run)
                {
                    switch (e)
                    {
                        case Event.Tick: now = now.AddSeconds(t.step); break;
                        case Event.PlugIn: session = true; break;
                        case Event.PlugOut: session = false; break;
                        case Event.DownloadDone when update.Step == FirmwareStep.Downloading:
                            update = update.Apply(new Fact.Downloaded("1.2.0"));
                            break;
                        case Event.DownloadFails when update.Step == FirmwareStep.Downloading:
                            update = update.Apply(new Fact.DownloadFailed(now, "lost"));
                            lastFailure = now;
                            break;
                        case Event.InstallFails when update.Step == FirmwareStep.Downloaded && !session:
                            update = update.Apply(new Fact.InstallFailed("checksum"));
                            break;
                    }
                    switch (update.Decide(now, session))
                    {
                        case FirmwareAction.StartDownload:
                            Assert.True(now >= request.RetrieveAt, $"download at {now} before the retrieve time {request.RetrieveAt}");
                            if (lastFailure is { } failed)
                                Assert.True(now >= failed + request.RetryInterval, $"retry at {now}, {request.RetryInterval} not yet passed since {failed}");
                            Assert.True(update.Attempts < request.MaxAttempts, $"attempt {update.Attempts + 1} of {request.MaxAttempts}");
                            update = update.Apply(new Fact.DownloadStarted(now));
                            break;
                        case FirmwareAction.Install:
                            Assert.False(session, "install decided with a session open");
                            Assert.Equal(FirmwareStep.Downloaded, update.Step);
                            update = update.Apply(Fact.InstallStarted.Instance);
                            break;
                    }
                    Assert.InRange(update.Attempts, 0, request.MaxAttempts);
                    Assert.Equal("1.0.0", update.RunningVersion);
                }
            });
    }
}
