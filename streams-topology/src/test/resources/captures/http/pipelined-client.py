# Client of pipelined.jsonl: three HTTP/1.1 requests in one write, then reads the three responses.
import socket
import sys

connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
connection.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                   b"GET /x?id=7 HTTP/1.1\r\nHost: a\r\n\r\n"
                   b"HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n")
connection.settimeout(2)
received = b""
try:
    while received.count(b"HTTP/1.1 ") < 3 or b"Content-Length: 34" not in received.split(b"HTTP/1.1 ")[-1]:
        data = connection.recv(65536)
        if not data:
            break
        received += data
except socket.timeout:
    pass
print(received.decode(errors="replace"))
connection.close()
