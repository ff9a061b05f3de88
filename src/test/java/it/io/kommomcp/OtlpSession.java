package it.io.kommomcp;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the OTLP receiver before any test, so that the server's metric exports (every second in the tests) always
 * find it, whatever test runs first. Only in the integration-test run, where {@code otlp.test.port} is set.
 */
public class OtlpSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Integer.getInteger("otlp.test.port") != null) {
            try {
                OtlpReceiver.shared();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
