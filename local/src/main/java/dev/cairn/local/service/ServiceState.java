package dev.cairn.local.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A service's {@code service.json}: what it is and the port chosen for it once, so that the port
 * stays the same across restarts (applications keep their connection settings).
 *
 * @param type the kind of service
 * @param port its port on 127.0.0.1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ServiceState(ServiceType type, int port) {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads the state file, or chooses a free port and writes it the first time. */
  static ServiceState loadOrCreate(Path file, ServiceType type) {
    try {
      if (Files.exists(file)) {
        ServiceState state = JSON.readValue(file.toFile(), ServiceState.class);
        if (state.type() != type) {
          throw new ServiceProvisioningException(
              file.getParent()
                  + " holds a "
                  + state.type()
                  + " service, not "
                  + type
                  + "; rename the service or remove the directory");
        }
        return state;
      }
      ServiceState state = new ServiceState(type, freePort());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, JSON.writeValueAsString(state));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return state;
    } catch (IOException e) {
      throw new ServiceProvisioningException(
          "cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The kind of service a state file records. */
  static ServiceType typeOf(Path file) {
    try {
      return JSON.readValue(file.toFile(), ServiceState.class).type();
    } catch (IOException e) {
      throw new ServiceProvisioningException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** True when nothing listens on the port of 127.0.0.1 (it can be bound). */
  static boolean portFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }
}
