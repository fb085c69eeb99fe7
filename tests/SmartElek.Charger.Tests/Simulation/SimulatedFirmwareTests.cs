using SmartElek.Charger.Hardware;
using SmartElek.Charger.Simulation;

namespace SmartElek.Charger.Tests.Simulation;

public class SimulatedFirmwareTests
{
    private TimeSpan _now = TimeSpan.FromDays(1);

    private SimulatedFirmware NewFlash() => new(() => _now);

    [Fact]
    public void A_download_takes_its_time_on_the_clock_and_the_image_runs_only_after_the_next_boot()
    {
        var flash = NewFlash();
        Assert.Equal(SimulatedFirmware.FactoryVersion, flash.RunningVersion);
        Assert.Equal(FirmwareDownload.None, flash.Download);
        Assert.Equal("no downloaded image to install", flash.Install());

        flash.StartDownload(null);
        _now += SimulatedFirmware.DefaultDownloadTime - TimeSpan.FromMilliseconds(1);
        Assert.Equal(DownloadProgress.InProgress, flash.Download.Progress);
        _now += TimeSpan.FromMilliseconds(1);
        Assert.Equal(new FirmwareDownload(DownloadProgress.Done, SimulatedFirmware.LatestRelease), flash.Download);

        Assert.Null(flash.Install());
        Assert.Equal(SimulatedFirmware.LatestRelease, flash.Staged);
        Assert.Equal(SimulatedFirmware.FactoryVersion, flash.RunningVersion);

        Assert.Equal(new FirmwareBoot(SimulatedFirmware.LatestRelease, SimulatedFirmware.FactoryVersion), flash.Boot());
        Assert.Equal(SimulatedFirmware.LatestRelease, flash.RunningVersion);
        // The next boots run the same image and install nothing.
        Assert.Equal(new FirmwareBoot(SimulatedFirmware.LatestRelease), flash.Boot());
        Assert.False(flash.Boot().Installed);
    }

    [Theory]
    [InlineData("https://firmware.example/4500-1.2.0.bin", "1.2.0", null)]
    [InlineData("ftp://firmware.example/images/se4500_v2.0.1.3.img", "2.0.1.3", null)]
    [InlineData("http://firmware.example/4500/3.1/image-3.1.7.bin?token=x", "3.1.7", null)]
    [InlineData("https://firmware.example/latest.bin", null, "no firmware image at")]
    [InlineData("file:///tmp/4500-1.2.0.bin", null, "only http, https, ftp and ftps")]
    public void A_location_serves_the_image_its_file_name_names(string location, string? version, string? failure)
    {
        var (v, why) = SimulatedFirmware.ImageAt(new Uri(location));
        Assert.Equal(version, v);
        if (failure is null)
            Assert.Null(why);
        else
            Assert.Contains(failure, why);

        var flash = NewFlash();
        flash.StartDownload(new Uri(location));
        _now += SimulatedFirmware.DefaultDownloadTime;
        Assert.Equal(failure is null ? DownloadProgress.Done : DownloadProgress.Failed, flash.Download.Progress);
    }

    [Fact]
    public void Injected_failures_fail_the_download_or_the_install_and_leave_the_running_image()
    {
        var flash = NewFlash();
        flash.FailDownloads("server answers 503");
        flash.StartDownload(null);
        _now += SimulatedFirmware.DefaultDownloadTime;
        Assert.Equal(new FirmwareDownload(DownloadProgress.Failed, Failure: "server answers 503"), flash.Download);

        flash.FailDownloads(null);
        flash.CorruptImages(true);
        flash.StartDownload(null);
        _now += SimulatedFirmware.DefaultDownloadTime;
        Assert.Contains("failed its checksum", flash.Install());
        Assert.Null(flash.Staged);
        Assert.False(flash.Boot().Installed);
        Assert.Equal(SimulatedFirmware.FactoryVersion, flash.RunningVersion);
    }

    [Fact]
    public void Versions_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new SimulatedFirmware(() => _now, running: " "));
        Assert.Throws<ArgumentException>(() => NewFlash().Latest = new string('9', 51));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewFlash().DownloadTime = TimeSpan.FromSeconds(-1));
    }

    [Fact]
    public void The_radio_keeps_its_mode_and_its_membership_until_told()
    {
        var radio = new SimulatedCharger(() => _now).Radio;
        Assert.Equal((NetworkMode.SiteLink, true), (radio.Mode, radio.Joined));
        radio.Select(NetworkMode.WiFi);
        radio.Leave();
        Assert.Equal((NetworkMode.WiFi, false), (radio.Mode, radio.Joined));
        Assert.Throws<ArgumentOutOfRangeException>(() => radio.Select((NetworkMode)7));
    }
}
