package jvmm.kvm.sys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventFdEpollTest {

    @Test
    void signalledEventFdIsReportedWithItsToken() throws Exception {
        try (Epoll epoll = Epoll.create(); EventFd quiet = EventFd.create(); EventFd kicked = EventFd.create()) {
            epoll.add(quiet.fd(), Epoll.EPOLLIN, 0x1111_0000_0000_0001L);
            epoll.add(kicked.fd(), Epoll.EPOLLIN, 0xdead_beef_cafe_f00dL);
            Epoll.Events events = new Epoll.Events(8);

            kicked.signal();
            kicked.add(2);
            int ready = epoll.wait(events, 1000);

            assertThat(ready).isEqualTo(1);
            assertThat(events.token(0)).isEqualTo(0xdead_beef_cafe_f00dL);
            assertThat(events.events(0) & Epoll.EPOLLIN).isNotZero();
            assertThat(kicked.drain()).isEqualTo(3);
            assertThat(kicked.drain()).isZero();
            assertThat(epoll.wait(events, 0)).isZero();
        }
    }

    @Test
    void modifyAndDeleteChangeWhatIsReported() throws Exception {
        try (Epoll epoll = Epoll.create(); EventFd efd = EventFd.create()) {
            epoll.add(efd.fd(), Epoll.EPOLLIN, 1);
            epoll.modify(efd.fd(), Epoll.EPOLLIN, 2);
            efd.signal();
            Epoll.Events events = new Epoll.Events(1);

            assertThat(epoll.wait(events, 1000)).isEqualTo(1);
            assertThat(events.token(0)).isEqualTo(2);

            epoll.delete(efd.fd());
            assertThat(epoll.wait(events, 0)).isZero();
        }
    }

    @Test
    void pollSeesAReadableEventFd() throws Exception {
        try (EventFd efd = EventFd.create()) {
            assertThat(Poll.poll(efd.fd(), Poll.POLLIN, 0)).isZero();

            efd.signal();

            assertThat(Poll.poll(efd.fd(), Poll.POLLIN, 1000) & Poll.POLLIN).isEqualTo(Poll.POLLIN);
        }
    }

    @Test
    void deletingAnUnwatchedFdNamesTheFailure() throws Exception {
        try (Epoll epoll = Epoll.create(); EventFd efd = EventFd.create()) {
            ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                    () -> epoll.delete(efd.fd()));

            assertThat(e.errnoName()).isEqualTo("ENOENT");
            assertThat(e.operation()).startsWith("epoll_ctl");
        }
    }
}
