// @ts-check
/**
 * The upload page's browser script, served as `/upload.js` (see ../upload-page.ts and ../upload-script.ts): plain
 * ES2020 with no build step, type-checked by tsc (./tsconfig.json, DOM types) and linted by biome like the rest.
 *
 * It helps choose the base (the open page: typing filters the list grouped by city; a name that is on no list is
 * confirmed before sending), checks the limits before anything is sent, opens a session, posts each file to its
 * presigned form with XMLHttpRequest (fetch reports no upload progress), a few at a time, then completes the session
 * and shows the receipt: its short number, the files, and what the base still lacks where the server tells it. A
 * failed file is sent again on its own form (the forms stay valid for the session's lifetime); a failed completion is
 * repeated as is, since completing twice gives the same submission.
 *
 * The bundlers inline this file as text (../upload-script.ts); should a runtime load it as a module instead, it does
 * nothing without a document.
 */

/**
 * @typedef {{ url: string, fields: Record<string, string> }} PresignedPost
 * @typedef {{ n: number, fileName: string, size: number, upload: PresignedPost }} SessionFile
 * @typedef {{ sessionId: string, completeUrl: string, files: SessionFile[] }} Session
 * @typedef {{ title: string, state?: string, lines: string[], pending?: string[], note?: string, link?: string }} ReceiptStatus
 * @typedef {{ number: string, status: ReceiptStatus }} Receipt
 * @typedef {{ submissionId: string, receivedAt: string, ingest: 'inline' | 'queued', receipt?: Receipt }} Completion
 * @typedef {{ n: number, fileName: string, problem: 'missing' | 'size-mismatch', expectedSize: number, actualSize: number | null }} FileProblem
 * @typedef {{ status: number, body: any }} Answer
 * @typedef {{ file: File, row: HTMLLIElement, bar: HTMLProgressElement, label: HTMLElement, status: string,
 *   error: string, fatal: boolean, upload?: PresignedPost }} Item
 * @typedef {{ session: Session | null, items: Item[], completed: boolean, base: string, openedAt: number }} State
 */

(() => {
  if (typeof document === 'undefined') return;

  /**
   * The element with this id, of the type asked for; null when the page has none.
   * @template {HTMLElement} T
   * @param {string} id
   * @param {new () => T} type
   * @returns {T | null}
   */
  function byId(id, type) {
    const node = document.getElementById(id);
    return node instanceof type ? node : null;
  }

  /**
   * The element with this id, which the page always has.
   * @template {HTMLElement} T
   * @param {string} id
   * @param {new () => T} type
   * @returns {T}
   */
  function need(id, type) {
    const node = byId(id, type);
    if (!node) throw new Error(`upload page: no #${id}`);
    return node;
  }

  // WeChat's in-app browser often cannot pick or send files: say how to open the page in the system browser.
  const wechat = byId('wechat-hint', HTMLElement);
  if (wechat && /MicroMessenger/i.test(navigator.userAgent)) wechat.hidden = false;

  const form = byId('upload-form', HTMLFormElement);
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.fetch) return;
  const data = form.dataset;
  const limits = {
    files: Number(data.maxFiles),
    fileBytes: Number(data.maxFileBytes),
    totalBytes: Number(data.maxTotalBytes),
    nameChars: Number(data.maxNameChars),
  };
  // A few at a time: enough to fill a slow uplink, few enough that one stalled file does not starve the rest.
  const PARALLEL = 3;
  const baseInput = need('base', HTMLInputElement);
  const emailInput = need('email', HTMLInputElement);
  const fileInput = need('files', HTMLInputElement);
  const submitButton = need('upload-submit', HTMLButtonElement);
  const retryButton = need('upload-retry', HTMLButtonElement);
  const list = need('upload-files', HTMLUListElement);
  const message = need('upload-message', HTMLElement);
  const picker = byId('base-list', HTMLSelectElement);
  const matchLine = byId('base-match', HTMLElement);
  const confirmBox = byId('base-confirm', HTMLElement);
  /** @type {State | null} */
  let state = null;
  let busy = false;
  /** The typed name the sender confirmed although it is on no list. */
  let confirmedName = '';

  /** @param {number} bytes */
  function sizeText(bytes) {
    const KB = 1024;
    const MB = 1024 * 1024;
    if (bytes >= MB) return `${bytes % MB === 0 ? String(bytes / MB) : (bytes / MB).toFixed(1)} MB`;
    if (bytes >= KB) return `${bytes % KB === 0 ? String(bytes / KB) : (bytes / KB).toFixed(1)} KB`;
    return `${bytes} 字节`;
  }

  /**
   * The one date format of pages and receipts: 2023年11月9日10时5分30秒 (Beijing time).
   * @param {string} iso
   */
  function beijing(iso) {
    try {
      /** @type {Record<string, number>} */
      const parts = {};
      new Intl.DateTimeFormat('en-US', {
        timeZone: data.timeZone || 'Asia/Shanghai',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
      })
        .formatToParts(new Date(iso))
        .forEach((p) => {
          parts[p.type] = Number(p.value);
        });
      return `${parts.year}年${parts.month}月${parts.day}日${parts.hour}时${parts.minute}分${parts.second}秒`;
    } catch (_e) {
      return iso;
    }
  }

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string} [className]
   * @param {string} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /**
   * A list of lines.
   * @param {(string | Node)[]} lines
   */
  function listOf(lines) {
    const ul = el('ul');
    for (const line of lines) {
      const li = el('li');
      if (typeof line === 'string') li.textContent = line;
      else li.appendChild(line);
      ul.appendChild(li);
    }
    return ul;
  }

  /**
   * Replaces the message box: kind ok | error | info, a title, lines as a list, extra nodes after them.
   * @param {'ok' | 'error' | 'info'} kind
   * @param {string} title
   * @param {(string | Node)[]} [lines]
   * @param {Node[]} [extra]
   */
  function show(kind, title, lines, extra) {
    message.textContent = '';
    const box = el('div', `flash ${kind}`);
    box.id = `upload-${kind}`;
    if (kind === 'error') box.setAttribute('role', 'alert');
    box.appendChild(el('strong', '', title));
    if (lines?.length) box.appendChild(listOf(lines));
    for (const node of extra || []) box.appendChild(node);
    message.appendChild(box);
  }

  /** @param {boolean} value */
  function setBusy(value) {
    busy = value;
    for (const input of [submitButton, retryButton, baseInput, emailInput, fileInput]) input.disabled = value;
    if (picker) picker.disabled = value;
  }

  // ---- The base: typed, or chosen from the list grouped by city (the open page only).

  /** @param {string} text */
  function normal(text) {
    return text.replace(/[\s\u3000]+/g, '');
  }

  /** The names on the list (the picker's options, city groups flattened). */
  const listed = picker ? Array.from(picker.options, (o) => o.value).filter(Boolean) : [];
  /** The picker's groups as rendered, so filtering can rebuild them. */
  const groups = picker
    ? Array.from(picker.querySelectorAll('optgroup'), (g) => ({
        label: g.label,
        names: Array.from(g.querySelectorAll('option'), (o) => o.value),
      }))
    : [];

  /** @param {string} name */
  function isListed(name) {
    const wanted = normal(name);
    return listed.some((n) => normal(n) === wanted);
  }

  /** Shows only the listed bases whose name holds the typed text; says how many. */
  function filterList() {
    if (!picker) return;
    const query = normal(baseInput.value);
    // Selected in the list: the typed name when it is a listed one (cleared with the field).
    const current = normal(baseInput.value);
    picker.textContent = '';
    let shown = 0;
    for (const group of groups) {
      const names = group.names.filter((n) => !query || normal(n).includes(query) || query.includes(normal(n)));
      if (names.length === 0) continue;
      const node = el('optgroup');
      node.label = group.label;
      for (const name of names) {
        const option = el('option', '', name);
        option.value = name;
        if (current && normal(name) === current) option.selected = true;
        node.appendChild(option);
      }
      picker.appendChild(node);
      shown += names.length;
    }
    // As tall as what it shows (a group label and its names), at most eight rows; one row when the name is chosen.
    const rows = shown + picker.querySelectorAll('optgroup').length;
    picker.size = Math.max(2, Math.min(8, rows));
    picker.hidden = shown === 0;
    if (matchLine) {
      if (!query) matchLine.textContent = `名单共 ${listed.length} 个参评基地，按地市分组；可输入名称中的字查找。`;
      else if (isListed(baseInput.value)) matchLine.textContent = '已选定名单中的基地。';
      else if (shown > 0) matchLine.textContent = `名单中有 ${shown} 个基地与“${baseInput.value.trim()}”相符，请点选。`;
      else matchLine.textContent = `名单中没有与“${baseInput.value.trim()}”相符的基地，请核对名称。`;
    }
  }

  function hideConfirm() {
    if (confirmBox) confirmBox.hidden = true;
  }

  if (picker) {
    baseInput.addEventListener('input', () => {
      hideConfirm();
      filterList();
    });
    picker.addEventListener('change', () => {
      if (!picker.value) return;
      baseInput.value = picker.value;
      hideConfirm();
      filterList();
    });
    filterList();
  }

  /**
   * Whether the name may be sent: on the list, confirmed by the sender, or (a base's own page) fixed.
   * @param {string} name
   */
  function nameSettled(name) {
    return !picker || isListed(name) || (confirmedName !== '' && confirmedName === name);
  }

  /** @param {string} name */
  function askToConfirm(name) {
    if (!confirmBox) return;
    const text = need('base-confirm-text', HTMLElement);
    text.textContent = `“${name}”不在本次参评基地名单中。名称与名单不一致时，材料可能无法对应到本基地。请从名单中选择；如确认名称无误（如基地已更名），可继续提交。`;
    confirmBox.hidden = false;
    need('base-confirm-yes', HTMLButtonElement).focus();
  }

  if (confirmBox) {
    need('base-confirm-yes', HTMLButtonElement).addEventListener('click', () => {
      confirmedName = baseInput.value.trim();
      hideConfirm();
      if (!busy) start();
    });
    need('base-confirm-no', HTMLButtonElement).addEventListener('click', () => {
      hideConfirm();
      baseInput.focus();
    });
  }

  // ---- Sending.

  /** @param {File[]} files */
  function validate(files) {
    /** @type {string[]} */
    const problems = [];
    const base = baseInput.value.trim();
    const email = emailInput.value.trim();
    if (!base) problems.push('请填写基地名称。');
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push('联系邮箱格式不正确，可不填。');
    if (files.length === 0) problems.push('请选择要上传的文件。');
    if (files.length > limits.files) {
      problems.push(`一次最多上传 ${limits.files} 个文件，您选择了 ${files.length} 个，请分几次提交。`);
    }
    let total = 0;
    for (const file of files) {
      total += file.size;
      if (file.size === 0) problems.push(`「${file.name}」是空文件，不能上传。`);
      if (file.size > limits.fileBytes) {
        problems.push(
          `「${file.name}」大小为 ${sizeText(file.size)}，超过单个文件上限 ${sizeText(limits.fileBytes)}，不能上传。请压缩或拆分后再上传。`,
        );
      }
      if (file.name.length > limits.nameChars) {
        problems.push(`「${file.name.slice(0, 20)}…」文件名超过 ${limits.nameChars} 个字符，请改短后再选择。`);
      }
    }
    if (total > limits.totalBytes && files.length <= limits.files) {
      problems.push(
        `所选文件合计 ${sizeText(total)}，超过一次提交的上限 ${sizeText(limits.totalBytes)}，请分几次提交。`,
      );
    }
    return problems;
  }

  /** @param {File} file */
  function contentType(file) {
    return file.type && file.type.length <= 127 && /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : undefined;
  }

  /**
   * @param {string} url
   * @param {unknown} [body]
   * @returns {Promise<Answer>}
   */
  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    }).then((response) =>
      response
        .json()
        .catch(() => ({}))
        .then((json) => ({ status: response.status, body: json })),
    );
  }

  /**
   * @param {Item} item
   * @param {string} status
   * @param {string} text
   */
  function setRow(item, status, text) {
    item.status = status;
    item.row.className = status;
    item.label.textContent = text;
    if (status === 'done') item.bar.value = 100;
  }

  /**
   * @param {File[]} files
   * @returns {Item[]}
   */
  function renderRows(files) {
    list.textContent = '';
    list.hidden = false;
    return files.map((file) => {
      const row = el('li');
      const name = el('div', 'name');
      name.appendChild(el('span', '', file.name));
      name.appendChild(el('span', 'small muted', `（${sizeText(file.size)}）`));
      const bar = el('progress');
      bar.max = 100;
      bar.value = 0;
      const label = el('div', 'state small', '等待上传');
      row.appendChild(name);
      row.appendChild(bar);
      row.appendChild(label);
      list.appendChild(row);
      return { file, row, bar, label, status: 'pending', error: '', fatal: false };
    });
  }

  function start() {
    const files = Array.from(fileInput.files || []);
    const problems = validate(files);
    retryButton.hidden = true;
    if (problems.length) {
      state = null;
      list.hidden = true;
      show('error', '无法上传，请先处理以下问题：', problems);
      return;
    }
    const base = baseInput.value.trim();
    if (!nameSettled(base)) {
      askToConfirm(base);
      return;
    }
    /** @type {{ base: string, email?: string, files: { fileName: string, size: number, contentType?: string }[] }} */
    const request = {
      base,
      files: files.map((file) => {
        const type = contentType(file);
        return type
          ? { fileName: file.name, size: file.size, contentType: type }
          : { fileName: file.name, size: file.size };
      }),
    };
    if (emailInput.value.trim()) request.email = emailInput.value.trim();
    /** @type {State} */
    const current = { session: null, items: renderRows(files), completed: false, base, openedAt: 0 };
    state = current;
    setBusy(true);
    show('info', '正在登记文件…');
    postJson(data.sessions || '', request).then(
      (answer) => {
        if (answer.status === 201) {
          /** @type {Session} */
          const session = answer.body;
          current.session = session;
          current.openedAt = Date.now();
          current.items.forEach((item, index) => {
            item.upload = session.files[index]?.upload;
          });
          return uploadAll(current);
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
          show('error', `服务器暂时无法处理（错误 ${answer.status}），请稍后再点击“上传并提交”。`);
        }
      },
      () => {
        setBusy(false);
        state = null;
        show('error', '网络连接失败，未能登记文件。请检查网络后再点击“上传并提交”。');
      },
    );
  }

  /** @param {State} current */
  function uploadAll(current) {
    const queue = current.items.filter((item) => item.status !== 'done');
    let next = 0;
    let running = 0;
    show('info', `正在上传 ${queue.length} 个文件，请不要关闭本页面…`);
    return new Promise((resolve) => {
      function pump() {
        if (next >= queue.length && running === 0) return resolve(undefined);
        while (running < PARALLEL && next < queue.length) {
          running++;
          const item = queue[next++];
          if (!item) continue;
          send(item).then(() => {
            running--;
            pump();
          });
        }
      }
      pump();
    }).then(() => afterUploads(current));
  }

  /**
   * @param {Item} item
   * @returns {Promise<void>}
   */
  function send(item) {
    return new Promise((resolve) => {
      const upload = item.upload;
      if (!upload) {
        item.error = '未取得上传表单';
        setRow(item, 'failed', item.error);
        resolve();
        return;
      }
      const formData = new FormData();
      for (const name of Object.keys(upload.fields)) formData.append(name, upload.fields[name] ?? '');
      formData.append('file', item.file);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', upload.url);
      setRow(item, 'sending', '上传中 0%');
      item.bar.value = 0;
      xhr.upload.onprogress = (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.min(99, Math.floor((event.loaded / event.total) * 100));
        item.bar.value = percent;
        item.label.textContent = `上传中 ${percent}%`;
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          setRow(item, 'done', '已上传');
        } else {
          refused(item, xhr.status, xhr.responseText || '');
        }
        resolve();
      };
      const interrupted = () => {
        item.error = '网络中断，未上传成功';
        setRow(item, 'failed', item.error);
        resolve();
      };
      xhr.onerror = interrupted;
      xhr.ontimeout = interrupted;
      xhr.onabort = interrupted;
      xhr.send(formData);
    });
  }

  /**
   * @param {Item} item
   * @param {number} status
   * @param {string} text
   */
  function refused(item, status, text) {
    const code = (/<Code>([^<]+)<\/Code>/.exec(text) || [])[1] || '';
    item.bar.value = 0;
    if (code === 'EntityTooLarge' || code === 'EntityTooSmall') {
      item.fatal = true;
      item.error = '存储服务拒收：文件大小与登记时不一致（选择后文件可能被修改过），请重新选择该文件';
    } else if (status === 403 && /expired/i.test(text)) {
      item.fatal = true;
      item.error = '上传表单已过期，请重新提交';
    } else {
      item.error = `存储服务拒收（错误 ${status}${code ? `，${code}` : ''}）`;
    }
    setRow(item, 'failed', item.error);
  }

  /** @param {State} current */
  function afterUploads(current) {
    const failed = current.items.filter((item) => item.status === 'failed');
    if (failed.length === 0) return complete(current);
    setBusy(false);
    const lines = failed.map((item) => `「${item.file.name}」：${item.error}`);
    if (failed.some((item) => item.fatal)) {
      state = null;
      show('error', `有 ${failed.length} 个文件未能上传，本次提交未完成：`, lines, [
        el('p', '', '请重新选择文件后点击“上传并提交”（将重新上传全部文件）。'),
      ]);
      return;
    }
    retryButton.textContent = '重试未成功的文件';
    retryButton.hidden = false;
    show('error', `有 ${failed.length} 个文件未能上传，本次提交未完成：`, lines, [
      el('p', '', '已上传的文件无需重传。请检查网络后点击“重试未成功的文件”。'),
    ]);
  }

  /** @param {State} current */
  function complete(current) {
    if (!current.session) return;
    show('info', '文件已全部上传，正在确认提交…');
    return postJson(current.session.completeUrl).then(
      (answer) => {
        setBusy(false);
        if (answer.status === 200 || answer.status === 201) return success(current, answer.body);
        if (answer.status === 409 && answer.body.problems) {
          /** @type {FileProblem[]} */
          const problems = answer.body.problems;
          const lines = problems.map((problem) => {
            const item = current.items[problem.n - 1];
            const why =
              problem.problem === 'missing'
                ? '服务器未收到该文件'
                : `服务器收到 ${sizeText(problem.actualSize || 0)}，与登记的 ${sizeText(problem.expectedSize)} 不符`;
            if (item) {
              item.error = why;
              setRow(item, 'failed', why);
            }
            return `「${problem.fileName}」：${why}`;
          });
          retryButton.textContent = '重试未成功的文件';
          retryButton.hidden = false;
          show('error', '提交未完成，以下文件未完整上传：', lines, [el('p', '', '请点击“重试未成功的文件”重新上传。')]);
          return;
        }
        if (answer.status === 409 && answer.body.scanPending) {
          retryButton.textContent = '重试确认提交';
          retryButton.hidden = false;
          show('info', String(answer.body.error));
          return;
        }
        if (answer.status === 422 && answer.body.refused) {
          state = null;
          show('error', String(answer.body.error));
          return;
        }
        if (answer.status === 404) {
          state = null;
          show('error', '上传会话不存在或已过期，请点击“上传并提交”重新提交。');
          return;
        }
        retryButton.textContent = '重试确认提交';
        retryButton.hidden = false;
        show('error', `服务器暂时无法确认提交（错误 ${answer.status}）。文件已上传，请稍后点击“重试确认提交”。`);
      },
      () => {
        setBusy(false);
        retryButton.textContent = '重试确认提交';
        retryButton.hidden = false;
        show('error', '网络连接失败，未能确认提交。文件已上传，请检查网络后点击“重试确认提交”（不会重复提交）。');
      },
    );
  }

  /**
   * What the base still lacks, as the server put it (told only where the sender is known for the base).
   * @param {ReceiptStatus} status
   */
  function statusBox(status) {
    const box = el('div', 'receipt-status');
    box.id = 'receipt-status';
    box.appendChild(el('strong', '', status.title));
    if (status.state) box.appendChild(el('p', '', `目前状态：${status.state}`));
    if (status.lines.length) box.appendChild(listOf(status.lines));
    if (status.pending?.length) {
      box.appendChild(el('p', '', '已收到、待核实（无需重复报送）：'));
      box.appendChild(listOf(status.pending));
    }
    if (status.note) box.appendChild(el('p', 'small', status.note));
    if (status.link) {
      const link = el('a', '', '查看本基地材料情况');
      link.href = status.link;
      box.appendChild(link);
    }
    return box;
  }

  /**
   * @param {State} current
   * @param {Completion} done
   */
  function success(current, done) {
    current.completed = true;
    retryButton.hidden = true;
    submitButton.hidden = true;
    setBusy(true);
    let total = 0;
    const fileLines = current.items.map((item) => {
      total += item.file.size;
      return `${item.file.name}（${sizeText(item.file.size)}）`;
    });
    /** @type {Node[]} */
    const extra = [];
    if (done.receipt) {
      const number = el('p', 'receipt-number');
      number.appendChild(document.createTextNode('回执编号：'));
      const code = el('strong', '', done.receipt.number);
      code.id = 'receipt-number';
      number.appendChild(code);
      number.appendChild(el('span', 'small muted', '（电话查询时报此编号即可）'));
      extra.push(number);
    }
    extra.push(
      el('p', '', `基地名称：${current.base}`),
      el('p', '', `接收时间：${beijing(done.receivedAt)}（北京时间）`),
      el('p', '', `已收到 ${current.items.length} 个文件，合计 ${sizeText(total)}：`),
      listOf(fileLines),
    );
    if (done.receipt) extra.push(statusBox(done.receipt.status));
    extra.push(
      el(
        'p',
        'small',
        done.ingest === 'queued'
          ? '材料经安全检查后读取，审核结果由省商务厅另行反馈。请保存回执编号备查。'
          : '材料已接收，审核结果由省商务厅另行反馈。请保存回执编号备查。',
      ),
    );
    const id = el('p', 'small muted');
    id.appendChild(document.createTextNode('系统编号：'));
    const code = el('span', '', done.submissionId);
    code.id = 'submission-id';
    id.appendChild(code);
    extra.push(id);
    const again = el('a', '', '继续提交其他材料');
    again.href = window.location.pathname;
    extra.push(again);
    show('ok', '提交成功', [], extra);
    // On a phone the receipt is below the fold: bring it into view.
    message.scrollIntoView({ block: 'start' });
  }

  function retry() {
    if (busy) return;
    if (!state?.session) return start();
    // Past the forms' lifetime only a new session helps; timed on this clock, which may differ from the server's.
    if (Date.now() > state.openedAt + (Number(data.formSeconds) - 30) * 1000) return start();
    retryButton.hidden = true;
    setBusy(true);
    uploadAll(state);
  }

  function reset() {
    if (busy || state?.completed) return;
    state = null;
    retryButton.hidden = true;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    hideConfirm();
    start();
  });
  retryButton.addEventListener('click', retry);
  for (const input of [baseInput, emailInput, fileInput]) input.addEventListener('change', reset);
  window.addEventListener('beforeunload', (event) => {
    if (!busy) return;
    event.preventDefault();
    event.returnValue = '';
  });
})();
