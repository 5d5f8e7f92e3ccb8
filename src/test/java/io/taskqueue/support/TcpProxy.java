package io.taskqueue.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP proxy on 127.0.0.1 (an app reaches PostgreSQL through it) that can cut the line:
 * {@link #cut()} resets every open connection and closes the listening socket, so new connections
 * are refused; {@link #restore()} listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile ServerSocket server;
  private volatile boolean closed;

  public TcpProxy(String targetHost, int targetPort, int port) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = port;
    listen();
  }

  public int port() {
    return port;
  }

  public long acceptedConnections() {
    return accepted.get();
  }

  public boolean isCut() {
    return server == null;
  }

  /** Drops every proxied connection (RST) and refuses new ones until {@link #restore()}. */
  public synchronized void cut() throws IOException {
    ServerSocket listening = server;
    server = null;
    if (listening != null) {
      listening.close();
    }
    for (Socket socket : open) {
      reset(socket);
    }
  }

  public synchronized void restore() throws IOException {
    if (server == null && !closed) {
      listen();
    }
  }

  private void listen() throws IOException {
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server = listening;
    Thread acceptor = new Thread(() -> accept(listening), "tcp-proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      Socket client;
      try {
        client = listening.accept();
      } catch (IOException closedOrFailed) {
        return;
      }
      accepted.incrementAndGet();
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
      } catch (IOException e) {
        reset(client);
        reset(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException ended) {
                // either side closed or was reset
              } finally {
                reset(from);
                reset(to);
              }
            },
            "tcp-proxy-pump-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  private void reset(Socket socket) {
    open.remove(socket);
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0); // close with RST, as a cut cable or a dead host looks
      }
    } catch (SocketException ignored) {
      // not connected
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    cut();
  }
}
