/**
 * The upload page's browser script, served as `/upload.js` (see ./upload-page.ts): plain ES2017 with no build
 * step. It checks the limits before anything is sent, opens a session, posts each file to its presigned form with
 * XMLHttpRequest (fetch reports no upload progress), a few at a time, then completes the session. A failed file is
 * sent again on its own form (the forms stay valid for the session's lifetime); a failed completion is repeated
 * as is, since completing twice gives the same submission.
 */

/** The script's source text. */
export const UPLOAD_SCRIPT = String.raw`(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.fetch) return;
  var data = form.dataset;
  var limits = {
    files: Number(data.maxFiles),
    fileBytes: Number(data.maxFileBytes),
    totalBytes: Number(data.maxTotalBytes),
    nameChars: Number(data.maxNameChars)
  };
  // A few at a time: enough to fill a slow uplink, few enough that one stalled file does not starve the rest.
  var PARALLEL = 3;
  var baseInput = document.getElementById('base');
  var emailInput = document.getElementById('email');
  var fileInput = document.getElementById('files');
  var submitButton = document.getElementById('upload-submit');
  var retryButton = document.getElementById('upload-retry');
  var list = document.getElementById('upload-files');
  var message = document.getElementById('upload-message');
  var state = null;
  var busy = false;

  function sizeText(bytes) {
    var KB = 1024, MB = 1024 * 1024;
    if (bytes >= MB) return (bytes % MB === 0 ? String(bytes / MB) : (bytes / MB).toFixed(1)) + ' MB';
    if (bytes >= KB) return (bytes % KB === 0 ? String(bytes / KB) : (bytes / KB).toFixed(1)) + ' KB';
    return bytes + ' 字节';
  }

  // The one date format of pages and receipts: 2023年11月9日10时5分30秒 (Beijing time).
  function beijing(iso) {
    try {
      var parts = {};
      new Intl.DateTimeFormat('en-US', {
        timeZone: data.timeZone || 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23'
      }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = Number(p.value); });
      return parts.year + '年' + parts.month + '月' + parts.day + '日' + parts.hour + '时' + parts.minute + '分' +
        parts.second + '秒';
    } catch (e) {
      return iso;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Replaces the message box: kind ok | error | info, a title, lines as a list, extra nodes after them. */
  function show(kind, title, lines, extra) {
    message.textContent = '';
    var box = el('div', 'flash ' + kind);
    box.id = 'upload-' + kind;
    if (kind === 'error') box.setAttribute('role', 'alert');
    box.appendChild(el('strong', '', title));
    if (lines && lines.length) {
      var ul = el('ul');
      lines.forEach(function (line) {
        var li = el('li');
        if (typeof line === 'string') li.textContent = line; else li.appendChild(line);
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    (extra || []).forEach(function (node) { box.appendChild(node); });
    message.appendChild(box);
  }

  function setBusy(value) {
    busy = value;
    submitButton.disabled = value;
    retryButton.disabled = value;
    baseInput.disabled = value;
    emailInput.disabled = value;
    fileInput.disabled = value;
  }

  function validate(files) {
    var problems = [];
    var base = baseInput.value.trim();
    var email = emailInput.value.trim();
    if (!base) problems.push('请填写基地名称。');
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push('联系邮箱格式不正确，可不填。');
    if (files.length === 0) problems.push('请选择要上传的文件。');
    if (files.length > limits.files) {
      problems.push('一次最多上传 ' + limits.files + ' 个文件，您选择了 ' + files.length + ' 个，请分几次提交。');
    }
    var total = 0;
    files.forEach(function (file) {
      total += file.size;
      if (file.size === 0) problems.push('「' + file.name + '」是空文件，不能上传。');
      if (file.size > limits.fileBytes) {
        problems.push('「' + file.name + '」大小为 ' + sizeText(file.size) + '，超过单个文件上限 ' +
          sizeText(limits.fileBytes) + '，不能上传。请压缩或拆分后再上传。');
      }
      if (file.name.length > limits.nameChars) {
        problems.push('「' + file.name.slice(0, 20) + '…」文件名超过 ' + limits.nameChars + ' 个字符，请改短后再选择。');
      }
    });
    if (total > limits.totalBytes && files.length <= limits.files) {
      problems.push('所选文件合计 ' + sizeText(total) + '，超过一次提交的上限 ' + sizeText(limits.totalBytes) +
        '，请分几次提交。');
    }
    return problems;
  }

  function contentType(file) {
    return file.type && file.type.length <= 127 && /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : undefined;
  }

  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }

  function setRow(item, status, text) {
    item.status = status;
    item.row.className = status;
    item.label.textContent = text;
    if (status === 'done') item.bar.value = 100;
  }

  function renderRows(files) {
    list.textContent = '';
    list.hidden = false;
    return files.map(function (file) {
      var row = el('li');
      var name = el('div', 'name');
      name.appendChild(el('span', '', file.name));
      name.appendChild(el('span', 'small muted', '（' + sizeText(file.size) + '）'));
      var bar = el('progress');
      bar.max = 100;
      bar.value = 0;
      var label = el('div', 'state small', '等待上传');
      row.appendChild(name);
      row.appendChild(bar);
      row.appendChild(label);
      list.appendChild(row);
      return { file: file, row: row, bar: bar, label: label, status: 'pending', error: '', fatal: false };
    });
  }

  function start() {
    var files = Array.prototype.slice.call(fileInput.files || []);
    var problems = validate(files);
    retryButton.hidden = true;
    if (problems.length) {
      state = null;
      list.hidden = true;
      show('error', '无法上传，请先处理以下问题：', problems);
      return;
    }
    var request = { base: baseInput.value.trim(), files: files.map(function (file) {
      var declared = { fileName: file.name, size: file.size };
      var type = contentType(file);
      if (type) declared.contentType = type;
      return declared;
    }) };
    if (emailInput.value.trim()) request.email = emailInput.value.trim();
    state = { session: null, items: renderRows(files), completed: false, base: request.base };
    setBusy(true);
    show('info', '正在登记文件…');
    postJson(data.sessions, request).then(function (answer) {
      if (answer.status === 201) {
        state.session = answer.body;
        state.openedAt = Date.now();
        state.items.forEach(function (item, index) { item.upload = answer.body.files[index].upload; });
        return uploadAll();
      }
      setBusy(false);
      state = null;
      if (answer.status === 400) {
        show('error', '未能登记本次提交：', [String(answer.body.error || '请求无效').replace(/^请求无效：/, '')]);
      } else if (answer.status === 403 || answer.status === 429) {
        show('error', String(answer.body.error || '暂时无法登记，请稍后再试。'));
      } else if (answer.status === 501) {
        show('error', '此环境暂不支持网上上传，请通过邮件报送材料。');
      } else {
        show('error', '服务器暂时无法处理（错误 ' + answer.status + '），请稍后再点击“上传并提交”。');
      }
    }, function () {
      setBusy(false);
      state = null;
      show('error', '网络连接失败，未能登记文件。请检查网络后再点击“上传并提交”。');
    });
  }

  function uploadAll() {
    var queue = state.items.filter(function (item) { return item.status !== 'done'; });
    var next = 0;
    var running = 0;
    show('info', '正在上传 ' + queue.length + ' 个文件，请不要关闭本页面…');
    return new Promise(function (resolve) {
      function pump() {
        if (next >= queue.length && running === 0) return resolve();
        while (running < PARALLEL && next < queue.length) {
          running++;
          send(queue[next++]).then(function () {
            running--;
            pump();
          });
        }
      }
      pump();
    }).then(afterUploads);
  }

  function send(item) {
    return new Promise(function (resolve) {
      var formData = new FormData();
      Object.keys(item.upload.fields).forEach(function (name) { formData.append(name, item.upload.fields[name]); });
      formData.append('file', item.file);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', item.upload.url);
      setRow(item, 'sending', '上传中 0%');
      item.bar.value = 0;
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.min(99, Math.floor((event.loaded / event.total) * 100));
        item.bar.value = percent;
        item.label.textContent = '上传中 ' + percent + '%';
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          setRow(item, 'done', '已上传');
        } else {
          refused(item, xhr.status, xhr.responseText || '');
        }
        resolve();
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
        item.error = '网络中断，未上传成功';
        setRow(item, 'failed', item.error);
        resolve();
      };
      xhr.send(formData);
    });
  }

  function refused(item, status, text) {
    var code = (/<Code>([^<]+)<\/Code>/.exec(text) || [])[1] || '';
    item.bar.value = 0;
    if (code === 'EntityTooLarge' || code === 'EntityTooSmall') {
      item.fatal = true;
      item.error = '存储服务拒收：文件大小与登记时不一致（选择后文件可能被修改过），请重新选择该文件';
    } else if (status === 403 && /expired/i.test(text)) {
      item.fatal = true;
      item.error = '上传表单已过期，请重新提交';
    } else {
      item.error = '存储服务拒收（错误 ' + status + (code ? '，' + code : '') + '）';
    }
    setRow(item, 'failed', item.error);
  }

  function afterUploads() {
    var failed = state.items.filter(function (item) { return item.status === 'failed'; });
    if (failed.length === 0) return complete();
    setBusy(false);
    var lines = failed.map(function (item) { return '「' + item.file.name + '」：' + item.error; });
    if (failed.some(function (item) { return item.fatal; })) {
      state = null;
      show('error', '有 ' + failed.length + ' 个文件未能上传，本次提交未完成：', lines,
        [el('p', '', '请重新选择文件后点击“上传并提交”（将重新上传全部文件）。')]);
      return;
    }
    retryButton.textContent = '重试未成功的文件';
    retryButton.hidden = false;
    show('error', '有 ' + failed.length + ' 个文件未能上传，本次提交未完成：', lines,
      [el('p', '', '已上传的文件无需重传。请检查网络后点击“重试未成功的文件”。')]);
  }

  function complete() {
    show('info', '文件已全部上传，正在确认提交…');
    return postJson(state.session.completeUrl).then(function (answer) {
      setBusy(false);
      if (answer.status === 200 || answer.status === 201) return success(answer.body);
      if (answer.status === 409 && answer.body.problems) {
        var lines = answer.body.problems.map(function (problem) {
          var item = state.items[problem.n - 1];
          var why = problem.problem === 'missing'
            ? '服务器未收到该文件'
            : '服务器收到 ' + sizeText(problem.actualSize || 0) + '，与登记的 ' + sizeText(problem.expectedSize) + ' 不符';
          if (item) {
            item.error = why;
            setRow(item, 'failed', why);
          }
          return '「' + problem.fileName + '」：' + why;
        });
        retryButton.textContent = '重试未成功的文件';
        retryButton.hidden = false;
        show('error', '提交未完成，以下文件未完整上传：', lines, [el('p', '', '请点击“重试未成功的文件”重新上传。')]);
        return;
      }
      if (answer.status === 409 && answer.body.scanPending) {
        retryButton.textContent = '重试确认提交';
        retryButton.hidden = false;
        show('info', answer.body.error);
        return;
      }
      if (answer.status === 422 && answer.body.refused) {
        state = null;
        show('error', answer.body.error);
        return;
      }
      if (answer.status === 404) {
        state = null;
        show('error', '上传会话不存在或已过期，请点击“上传并提交”重新提交。');
        return;
      }
      retryButton.textContent = '重试确认提交';
      retryButton.hidden = false;
      show('error', '服务器暂时无法确认提交（错误 ' + answer.status + '）。文件已上传，请稍后点击“重试确认提交”。');
    }, function () {
      setBusy(false);
      retryButton.textContent = '重试确认提交';
      retryButton.hidden = false;
      show('error', '网络连接失败，未能确认提交。文件已上传，请检查网络后点击“重试确认提交”（不会重复提交）。');
    });
  }

  function success(done) {
    state.completed = true;
    retryButton.hidden = true;
    submitButton.hidden = true;
    setBusy(true);
    var total = 0;
    var fileLines = state.items.map(function (item) {
      total += item.file.size;
      return item.file.name + '（' + sizeText(item.file.size) + '）';
    });
    var id = el('p');
    id.appendChild(document.createTextNode('受理编号：'));
    var code = el('strong', '', done.submissionId);
    code.id = 'submission-id';
    id.appendChild(code);
    var extra = [
      id,
      el('p', '', '基地名称：' + state.base),
      el('p', '', '接收时间：' + beijing(done.receivedAt) + '（北京时间）'),
      el('p', '', '已收到 ' + state.items.length + ' 个文件，合计 ' + sizeText(total) + '：')
    ];
    var ul = el('ul');
    fileLines.forEach(function (line) { ul.appendChild(el('li', '', line)); });
    extra.push(ul);
    extra.push(el('p', 'small', done.ingest === 'queued'
      ? '材料经安全检查后读取，审核结果由省商务厅另行反馈。请保存受理编号备查。'
      : '材料已接收，审核结果由省商务厅另行反馈。请保存受理编号备查。'));
    var again = el('a', '', '继续提交其他材料');
    again.href = window.location.pathname;
    extra.push(again);
    show('ok', '提交成功', [], extra);
  }

  function retry() {
    if (busy) return;
    if (!state || !state.session) return start();
    // Past the forms' lifetime only a new session helps; timed on this clock, which may differ from the server's.
    if (Date.now() > state.openedAt + (Number(data.formSeconds) - 30) * 1000) return start();
    retryButton.hidden = true;
    setBusy(true);
    uploadAll();
  }

  function reset() {
    if (busy || (state && state.completed)) return;
    state = null;
    retryButton.hidden = true;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    start();
  });
  retryButton.addEventListener('click', retry);
  [baseInput, emailInput, fileInput].forEach(function (input) { input.addEventListener('change', reset); });
  window.addEventListener('beforeunload', function (event) {
    if (!busy) return;
    event.preventDefault();
    event.returnValue = '';
  });
})();
`;
