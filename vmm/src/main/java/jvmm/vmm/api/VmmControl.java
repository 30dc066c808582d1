package jvmm.vmm.api;

import java.util.Map;
import java.util.Optional;
import jvmm.kvm.sys.ErrnoException;
import jvmm.virtio.balloon.BalloonDevice;
import jvmm.virtio.balloon.BalloonStats;
import jvmm.vmm.HostException;
import jvmm.vmm.Vmm;
import jvmm.vmm.virtio.BalloonPoller;

/** {@link VmControl} over a running {@link Vmm}. */
public final class VmmControl implements VmControl {

    private final Vmm vmm;

    public VmmControl(Vmm vmm) {
        this.vmm = vmm;
    }

    @Override
    public void pause() throws InterruptedException {
        try {
            vmm.pause();
        } catch (HostException e) {
            throw new ApiException(500, e.getMessage());
        }
    }

    @Override
    public void resume() {
        vmm.resume();
    }

    @Override
    public boolean paused() {
        return vmm.paused();
    }

    @Override
    public void sendCtrlAltDel() {
        vmm.sendCtrlAltDel();
    }

    @Override
    public Optional<BalloonControl> balloon() {
        return vmm.balloon().map(b -> new Balloon(b, vmm.balloonPoller().orElse(null)));
    }

    private record Balloon(BalloonDevice device, BalloonPoller poller) implements BalloonControl {
        @Override
        public void setTargetBytes(long bytes) {
            device.setTarget(bytes);
        }

        @Override
        public long targetBytes() {
            return device.targetBytes();
        }

        @Override
        public long actualBytes() {
            return device.actualBytes();
        }

        @Override
        public boolean deflateOnOom() {
            return device.config().deflateOnOom();
        }

        @Override
        public boolean freePageReporting() {
            return device.config().freePageReporting();
        }

        @Override
        public int statsIntervalSeconds() {
            return poller == null ? 0 : poller.intervalSeconds();
        }

        @Override
        public void setStatsIntervalSeconds(int seconds) {
            try {
                poller.setIntervalSeconds(seconds);
            } catch (ErrnoException e) {
                throw new ApiException(500, "can't change the statistics interval: " + e.getMessage());
            }
        }

        @Override
        public Map<String, Long> statistics() {
            BalloonStats s = device.latestStats();
            return s == null ? Map.of() : s.named();
        }
    }
}
