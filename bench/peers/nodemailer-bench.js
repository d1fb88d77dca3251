// The nodemailer peer of Triton's SMTP benchmark: the same HTML and text to the same sink through a
// pool of the same size. Usage: node nodemailer-bench.js HOST PORT COUNT POOL HTML_FILE TEXT_FILE SUBJECT [WARM_UP [ENVELOPE_FILE]]
// WARM_UP messages go first and are not measured (V8 compiles the hot paths, as .NET does in Triton's warm-up).
// ENVELOPE_FILE: JSON {"headers": [{"key", "value"}...], "returnPath"}: the headers and return path Triton's messages carry.
'use strict';
const fs = require('fs');
const net = require('net');
const nodemailer = require('nodemailer');

const [host, port, count, pool, htmlFile, textFile, subject, warmUp, envelopeFile] = process.argv.slice(2);
const total = Number(count);
const connections = Number(pool);
const html = fs.readFileSync(htmlFile, 'utf8');
const text = fs.readFileSync(textFile, 'utf8');
const extra = envelopeFile ? JSON.parse(fs.readFileSync(envelopeFile, 'utf8')) : { headers: [], returnPath: null };
const transport = nodemailer.createTransport({
  host, port: Number(port), secure: false, ignoreTLS: true,
  pool: true, maxConnections: connections, maxMessages: 1000,
  // The pool's documented hook for supplying sockets: one with TCP_NODELAY, as Triton's own. Node leaves Nagle on,
  // so the last small write of every message waits for the sink's delayed ACK and the pool idles.
  getSocket: (options, callback) => {
    const socket = net.connect(Number(port), host);
    socket.setNoDelay(true);
    socket.once('error', callback);
    socket.once('connect', () => {
      socket.removeListener('error', callback);
      callback(null, { connection: socket });
    });
  },
});

async function send(total) {
  // Keep twice the pool in flight: enough to saturate it without queueing the whole run in memory.
  const window = connections * 2;
  let next = 0, sent = 0, failed = 0;
  async function lane() {
    while (next < total) {
      const i = next++;
      try {
        await transport.sendMail({
          from: '"Triton News" <news@triton.test>', to: `user${i}@example.test`,
          subject, html, text, headers: extra.headers,
          ...(extra.returnPath ? { envelope: { from: extra.returnPath, to: `user${i}@example.test` } } : {}),
          // Triton's encoding for both parts. Left to detect it, nodemailer counts every letter of each part with a
          // global regex match per message, which doubled its CPU per message on the newsletter.
          textEncoding: 'quoted-printable',
        });
        sent++;
      } catch (error) {
        failed++;
        if (failed < 5) console.error(error.message);
      }
    }
  }
  await Promise.all(Array.from({ length: window }, lane));
  return { sent, failed };
}

async function main() {
  await send(Number(warmUp || 0));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const { sent, failed } = await send(total);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  transport.close();
  const peakMb = Math.round(Number(fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024);
  const version = require('nodemailer/package.json').version;
  console.log(JSON.stringify({ version, sent, failed, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakMb }));
}
main().catch((error) => { console.error(error); process.exit(1); });
