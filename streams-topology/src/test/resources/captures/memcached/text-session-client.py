# Client of text-session.jsonl: memcached's text protocol over a raw socket, pipelined in two writes, with a
# noreply set, meta commands, an unknown command, a malformed storage command, a value longer than the captured head,
# and quit.
import socket
import sys

connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
connection.settimeout(2)


def exchange(data, expected_ends):
    connection.sendall(data)
    received = b""
    try:
        while received.count(b"\r\n") < expected_ends:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    except socket.timeout:
        pass
    print(received.decode(errors="replace"))


big = b"v" * 3000
exchange(b"set greeting 0 0 5\r\nhello\r\n"
         b"get greeting missing\r\n"
         b"set quiet 0 0 2 noreply\r\nhi\r\n"
         b"incr counter 1\r\n"
         b"set counter 0 0 1\r\n5\r\n"
         b"incr counter 10\r\n"
         b"bogus\r\n"
         b"append greeting 0 0 6\r\n world\r\n"
         b"touch greeting 100\r\n"
         b"delete quiet\r\n"
         b"delete quiet\r\n"
         b"set toolong 0 0 abc\r\n"
         b"version\r\n", 14)
exchange(b"mn\r\nms meta 2\r\nhi\r\nmg meta v\r\nmg nothing v\r\nmd meta\r\nmn\r\n", 7)
exchange(b"set big 0 0 3000\r\n" + big + b"\r\nget big greeting\r\n", 6)
connection.sendall(b"quit\r\n")
connection.close()
